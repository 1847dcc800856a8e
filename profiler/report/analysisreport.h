// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/layeranalysis.h"
#include "model/model.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Profiler {

/** The analysis of one subgraph as JSON: "model", "summary" and an "operators" array (see docs/cli.md). */
QJsonObject analysisToJson(const Model& model, const ModelAnalysis& analysis);

/** One CSV row per operator with a header row (RFC 4180, plain numbers, units in the header). */
QByteArray analysisToCsv(const Model& model, const ModelAnalysis& analysis);

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
QString csvField(const QString& value);

/** Shapes of the tensors at `indices` ("1x8x8x16"), "-" for omitted optional inputs. */
QStringList tensorShapes(const Subgraph& subgraph, const std::vector<int>& indices);

/** Data types of the tensors at `indices` ("int8"), "-" for omitted optional inputs. */
QStringList tensorTypes(const Subgraph& subgraph, const std::vector<int>& indices);

} // namespace Profiler
