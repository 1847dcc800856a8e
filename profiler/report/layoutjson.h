// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "layout/graphlayout.h"
#include "model/model.h"

#include <QJsonObject>

namespace Profiler {

/** A laid-out subgraph as JSON (backs `tinyscope-cli layout MODEL --json`): every node with its kind ("operator",
 *  "input", "output"), operator or tensor index, label, rank and box; every edge with its ends, tensor and route;
 *  the bounds, crossings, ranks, dummies and the time the layout took. */
QJsonObject layoutToJson(const Model& model, const ModelGraph& graph);

} // namespace Profiler
