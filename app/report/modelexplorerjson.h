// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/layeranalysis.h"
#include "latency/latency.h"

#include <QJsonObject>
#include <QString>

#include <vector>

/*
 * Google Model Explorer's node data: per-node values that the viewer paints onto the graph ("Custom node data" in
 * its side panel). One file holds one metric for one graph:
 *   {"results": {"<node id>": {"value": 1234}, ...}, "gradient": [{"stop": 0, "bgColor": "#ffffff"}, ...]}
 * Without a graph id at the top, the viewer applies the file to the graph it is showing. Its TFLite adapter
 * (direct flatbuffer conversion) gives operator i of a subgraph the node id "i". Details and how sure we are of
 * that: docs/reports.md.
 */
namespace Report {

/** A per-node quantity we can export. */
enum class NodeMetric {
    Macs,
    Params,
    WeightBytes,
    OutputBytes,
    LatencyMedianMs, ///< needs a profile with a tick rate
    LatencyMedianTicks, ///< needs a profile
};

/** "macs", "params", "weight_bytes", "output_bytes", "latency_median_ms", "latency_median_ticks": file name parts. */
QString nodeMetricKey(NodeMetric metric);

/** The metrics that have values: the four static ones, plus latency (ms when the tick rate is known, else ticks). */
std::vector<NodeMetric> availableNodeMetrics(const Profiler::LatencyProfile* latency);

/** Model Explorer's node id of operator `operatorIndex` (its position in the subgraph's execution order). */
QString modelExplorerNodeId(int operatorIndex);

/** The node data of one metric for the operators of `analysis`; latency metrics need `latency` (operators without
 *  accepted samples are left out). Values are plain numbers; a white-to-red gradient colours them. */
QJsonObject modelExplorerNodeData(
    const Profiler::ModelAnalysis& analysis, NodeMetric metric, const Profiler::LatencyProfile* latency = nullptr);

} // namespace Report
