// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <QtTest/QTest>

#include <map>

namespace TestHelpers {

/** True when the suite runs under CI (CI=true), where missing shared models are an error, not a skip. */
bool isCi();

/** Folder of the shared real models (env TINYSCOPE_SHARED_MODELS, else ../shared/models), or empty if absent. */
QString sharedModelsDir();

/** The *.tflite files of the shared folder, sorted. */
QStringList sharedTfliteModels();

/** What MANIFEST.md says about one model. */
struct ManifestEntry
{
    QString file; ///< file name without folder
    qint64 bytes = 0;
    QString sha256;
    int operators = -1; ///< total over all subgraphs, from "N ops"
};

/** Parses MANIFEST.md of the shared folder; keyed by file name. */
std::map<QString, ManifestEntry> readManifest();

} // namespace TestHelpers

/** Declares `dir` as the shared models folder, or skips (locally) / fails (CI) the test when it is missing. */
#define TINYSCOPE_REQUIRE_SHARED_MODELS(dir)                                                                           \
    const QString dir = TestHelpers::sharedModelsDir();                                                                \
    do {                                                                                                               \
        if (dir.isEmpty()) {                                                                                           \
            if (TestHelpers::isCi())                                                                                   \
                QFAIL("../shared/models is missing, and CI=true requires it");                                         \
            QSKIP("../shared/models not found: skipping the tests on real models");                                    \
        }                                                                                                              \
    } while (false)
