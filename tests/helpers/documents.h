// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "fixtures.h"
#include "sharedmodels.h"

#include <QAnyStringView>
#include <QString>

namespace TestHelpers {

/** Path of model `file` in the shared models folder `dir` (see sharedModelsDir()). */
QString sharedModelPath(const QString& dir, QAnyStringView file);

/** The document of the model at `path`; a model that does not open ends the test program with the loader's message. */
Profiler::ModelDocumentPtr openDocument(const QString& path);

/** openDocument() of shared model `file` in the shared models folder `dir`. */
Profiler::ModelDocumentPtr openSharedDocument(const QString& dir, QAnyStringView file);

} // namespace TestHelpers

/** Declares `path` as the example model when `file` is empty, else as shared model `file`; then, like
 *  TINYSCOPE_REQUIRE_SHARED_MODELS, skips (locally) or fails (CI) the test when the shared models are missing. */
#define TINYSCOPE_EXAMPLE_OR_SHARED_MODEL(path, file)                                                                  \
    QString path = TestHelpers::exampleModelPath();                                                                    \
    if (!(file).isEmpty()) {                                                                                           \
        TINYSCOPE_REQUIRE_SHARED_MODELS(tinyscopeSharedModelsDir);                                                     \
        path = TestHelpers::sharedModelPath(tinyscopeSharedModelsDir, file);                                           \
    }                                                                                                                  \
    do {                                                                                                               \
    } while (false)
