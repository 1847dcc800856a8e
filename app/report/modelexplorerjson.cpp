// SPDX-License-Identifier: GPL-3.0-or-later
#include "modelexplorerjson.h"

#include <QJsonArray>

#include <cmath>
#include <optional>

namespace Report {

QString nodeMetricKey(NodeMetric metric)
{
    switch (metric) {
    case NodeMetric::Macs:
        return QStringLiteral("macs");
    case NodeMetric::Params:
        return QStringLiteral("params");
    case NodeMetric::WeightBytes:
        return QStringLiteral("weight_bytes");
    case NodeMetric::OutputBytes:
        return QStringLiteral("output_bytes");
    case NodeMetric::LatencyMedianMs:
        return QStringLiteral("latency_median_ms");
    case NodeMetric::LatencyMedianTicks:
        return QStringLiteral("latency_median_ticks");
    }
    return {};
}

std::vector<NodeMetric> availableNodeMetrics(const Profiler::LatencyProfile* latency)
{
    std::vector<NodeMetric> metrics { NodeMetric::Macs, NodeMetric::Params, NodeMetric::WeightBytes,
        NodeMetric::OutputBytes };
    if (latency)
        metrics.push_back(latency->hasTime() ? NodeMetric::LatencyMedianMs : NodeMetric::LatencyMedianTicks);
    return metrics;
}

QString modelExplorerNodeId(int operatorIndex)
{
    return QString::number(operatorIndex);
}

QJsonObject modelExplorerNodeData(
    const Profiler::ModelAnalysis& analysis, NodeMetric metric, const Profiler::LatencyProfile* latency)
{
    QJsonObject results;
    for (const Profiler::LayerInfo& layer : analysis.layers) {
        std::optional<double> value;
        switch (metric) {
        case NodeMetric::Macs:
            value = static_cast<double>(layer.macs);
            break;
        case NodeMetric::Params:
            value = static_cast<double>(layer.params);
            break;
        case NodeMetric::WeightBytes:
            value = static_cast<double>(layer.weightBytes);
            break;
        case NodeMetric::OutputBytes:
            value = static_cast<double>(layer.outputBytes);
            break;
        case NodeMetric::LatencyMedianMs:
        case NodeMetric::LatencyMedianTicks:
            if (latency && layer.index >= 0 && static_cast<std::size_t>(layer.index) < latency->layers.size()) {
                const Profiler::LayerLatency& l = latency->layers[static_cast<std::size_t>(layer.index)];
                const double v
                    = metric == NodeMetric::LatencyMedianMs ? latency->ticksToMs(l.medianTicks) : l.medianTicks;
                if (l.measured() && std::isfinite(v))
                    value = v;
            }
            break;
        }
        if (!value)
            continue;
        // Counts stay integers in the file (they are exact up to 2^53 as JSON doubles).
        const double v = *value;
        const QJsonValue jv
            = v == std::floor(v) && std::fabs(v) < 9.0e15 ? QJsonValue(static_cast<qint64>(v)) : QJsonValue(v);
        results[modelExplorerNodeId(layer.index)] = QJsonObject { { QStringLiteral("value"), jv } };
    }
    // Stop 0 is the smallest value, 1 the largest: light for cheap nodes, red for the expensive ones.
    const QJsonArray gradient {
        QJsonObject { { QStringLiteral("stop"), 0 }, { QStringLiteral("bgColor"), QStringLiteral("#ffffff") } },
        QJsonObject { { QStringLiteral("stop"), 0.5 }, { QStringLiteral("bgColor"), QStringLiteral("#ffb74d") } },
        QJsonObject { { QStringLiteral("stop"), 1 }, { QStringLiteral("bgColor"), QStringLiteral("#d32f2f") } },
    };
    return QJsonObject { { QStringLiteral("results"), results }, { QStringLiteral("gradient"), gradient } };
}

} // namespace Report
