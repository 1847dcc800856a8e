// SPDX-License-Identifier: GPL-3.0-or-later
#include "layerexport.h"

#include "report/analysisreport.h"

#include <QJsonArray>
#include <QLocale>

#include <cmath>

namespace Report {

namespace {

/** The latency statistics that become CSV columns, in column order. */
struct StatColumn
{
    const char* name;
    double Profiler::LayerLatency::*field;
};
constexpr StatColumn kTickStats[] = {
    { "median", &Profiler::LayerLatency::medianTicks },
    { "mean", &Profiler::LayerLatency::meanTicks },
    { "min", &Profiler::LayerLatency::minTicks },
    { "max", &Profiler::LayerLatency::maxTicks },
    { "stddev", &Profiler::LayerLatency::stddevTicks },
};

QJsonValue jsonNumber(double value)
{
    // JSON has no NaN: a statistic without samples is null.
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue();
}

} // namespace

QString plainNumber(double value)
{
    if (!std::isfinite(value))
        return {};
    if (value == std::floor(value) && std::fabs(value) < 9.0e15)
        return QString::number(static_cast<qint64>(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QList<QByteArray> csvRecords(const QByteArray& csv)
{
    QList<QByteArray> records;
    bool quoted = false;
    qsizetype start = 0;
    for (qsizetype i = 0; i < csv.size(); ++i) {
        const char c = csv.at(i);
        if (c == '"') {
            quoted = !quoted; // an escaped quote ("") toggles twice
        } else if (!quoted && c == '\r' && i + 1 < csv.size() && csv.at(i + 1) == '\n') {
            records << csv.mid(start, i - start);
            start = i + 2;
            ++i;
        }
    }
    if (start < csv.size())
        records << csv.mid(start);
    return records;
}

QByteArray layerTableCsv(
    const Profiler::Model& model, const Profiler::ModelAnalysis& analysis, const Profiler::LatencyProfile* latency)
{
    const QByteArray base = Profiler::analysisToCsv(model, analysis);
    if (!latency)
        return base;
    const bool ms = latency->hasTime();
    QList<QByteArray> records = csvRecords(base);
    QByteArray out;
    for (qsizetype r = 0; r < records.size(); ++r) {
        QStringList extra;
        if (r == 0) {
            extra << QStringLiteral("latency_samples");
            for (const StatColumn& c : kTickStats)
                extra << QStringLiteral("latency_%1_ticks").arg(QLatin1String(c.name));
            if (ms) {
                for (const StatColumn& c : kTickStats)
                    extra << QStringLiteral("latency_%1_ms").arg(QLatin1String(c.name));
            }
            extra << QStringLiteral("latency_share") << QStringLiteral("cycles_per_mac");
        } else {
            // Rows follow analysis.layers; the profile has one entry per operator of the subgraph, by index.
            const std::size_t layerIndex
                = static_cast<std::size_t>(analysis.layers[static_cast<std::size_t>(r - 1)].index);
            const Profiler::LayerLatency none;
            const Profiler::LayerLatency& l = layerIndex < latency->layers.size() ? latency->layers[layerIndex] : none;
            extra << QString::number(l.samples);
            for (const StatColumn& c : kTickStats)
                extra << plainNumber(l.*(c.field));
            if (ms) {
                for (const StatColumn& c : kTickStats)
                    extra << plainNumber(latency->ticksToMs(l.*(c.field)));
            }
            extra << plainNumber(l.share) << plainNumber(l.cyclesPerMac);
        }
        out += records[r] + ',' + extra.join(QLatin1Char(',')).toUtf8() + "\r\n";
    }
    return out;
}

QJsonObject layerLatencyJson(const Profiler::LatencyProfile& profile, std::size_t layer)
{
    QJsonObject o;
    if (layer >= profile.layers.size())
        return o;
    const Profiler::LayerLatency& l = profile.layers[layer];
    o[QStringLiteral("samples")] = l.samples;
    o[QStringLiteral("rejected")] = l.rejected;
    for (const StatColumn& c : kTickStats) {
        o[QStringLiteral("%1_ticks").arg(QLatin1String(c.name))] = jsonNumber(l.*(c.field));
        if (profile.hasTime())
            o[QStringLiteral("%1_ms").arg(QLatin1String(c.name))] = jsonNumber(profile.ticksToMs(l.*(c.field)));
    }
    o[QStringLiteral("share")] = jsonNumber(l.share);
    o[QStringLiteral("cycles_per_mac")] = jsonNumber(l.cyclesPerMac);
    if (l.warmupTicks)
        o[QStringLiteral("warmup_ticks")] = static_cast<qint64>(*l.warmupTicks);
    return o;
}

QJsonObject latencySummaryJson(const Profiler::LatencyProfile& profile)
{
    QJsonObject o;
    o[QStringLiteral("source")] = profile.source;
    o[QStringLiteral("board")] = profile.boardName;
    o[QStringLiteral("tick_hz")] = profile.tickHz;
    o[QStringLiteral("cpu_hz")] = profile.cpuHz;
    o[QStringLiteral("subgraph")] = profile.subgraph;
    o[QStringLiteral("runs_total")] = profile.runsTotal;
    o[QStringLiteral("runs_used")] = profile.runsUsed;
    o[QStringLiteral("runs_incomplete")] = profile.runsIncomplete;
    o[QStringLiteral("warmup_run")] = profile.warmupRun;
    o[QStringLiteral("samples_rejected")] = profile.samplesRejected;
    o[QStringLiteral("measured_layers")] = profile.measuredLayers();
    o[QStringLiteral("total_median_ticks")] = jsonNumber(profile.totalMedianTicks);
    o[QStringLiteral("run_total_median_ticks")] = jsonNumber(profile.runTotalMedianTicks);
    o[QStringLiteral("run_total_min_ticks")] = jsonNumber(profile.runTotalMinTicks);
    o[QStringLiteral("run_total_max_ticks")] = jsonNumber(profile.runTotalMaxTicks);
    if (profile.hasTime()) {
        o[QStringLiteral("total_median_ms")] = jsonNumber(profile.ticksToMs(profile.totalMedianTicks));
        o[QStringLiteral("run_total_median_ms")] = jsonNumber(profile.ticksToMs(profile.runTotalMedianTicks));
    }
    QJsonArray warnings;
    for (const QString& w : profile.warnings)
        warnings.append(w);
    o[QStringLiteral("warnings")] = warnings;
    return o;
}

QJsonObject layerTableJson(
    const Profiler::Model& model, const Profiler::ModelAnalysis& analysis, const Profiler::LatencyProfile* latency)
{
    QJsonObject root = Profiler::analysisToJson(model, analysis);
    if (!latency)
        return root;
    QJsonArray ops = root.value(QStringLiteral("operators")).toArray();
    for (qsizetype i = 0; i < ops.size(); ++i) {
        QJsonObject op = ops.at(i).toObject();
        const int index = op.value(QStringLiteral("index")).toInt(-1);
        if (index >= 0)
            op[QStringLiteral("latency")] = layerLatencyJson(*latency, static_cast<std::size_t>(index));
        ops.replace(i, op);
    }
    root[QStringLiteral("operators")] = ops;
    root[QStringLiteral("latency")] = latencySummaryJson(*latency);
    return root;
}

QByteArray sessionCsv(const Profiler::MeasuredSession& session, const Profiler::Subgraph& subgraph, int warmupRun)
{
    QString out = QStringLiteral("run,board_run,warmup,complete,layer,op,name,ticks,ms,status\r\n");
    const bool ms = session.tickHz > 0;
    for (std::size_t r = 0; r < session.runs.size(); ++r) {
        const Profiler::MeasuredRun& run = session.runs[r];
        for (std::size_t layer = 0; layer < run.ticks.size(); ++layer) {
            const Profiler::Operator* op = layer < subgraph.operators.size() ? &subgraph.operators[layer] : nullptr;
            QString name;
            if (op && !op->outputs.empty()) {
                if (const Profiler::Tensor* t = subgraph.tensorAt(op->outputs.front()))
                    name = t->name;
            }
            const std::optional<quint32>& ticks = run.ticks[layer];
            const bool neverEnded = layer < run.neverEnded.size() && run.neverEnded[layer];
            const QString status = ticks
                ? QStringLiteral("ok")
                : (neverEnded ? QStringLiteral("never ended") : QStringLiteral("not measured"));
            const QStringList fields {
                QString::number(r),
                QString::number(run.runIndex),
                static_cast<int>(r) == warmupRun ? QStringLiteral("1") : QStringLiteral("0"),
                run.complete ? QStringLiteral("1") : QStringLiteral("0"),
                QString::number(layer),
                Profiler::csvField(op ? op->type : QString()),
                Profiler::csvField(name),
                ticks ? QString::number(*ticks) : QString(),
                ticks && ms ? plainNumber(static_cast<double>(*ticks) * 1000.0 / session.tickHz) : QString(),
                status,
            };
            out += fields.join(QLatin1Char(',')) + QStringLiteral("\r\n");
        }
    }
    return out.toUtf8();
}

} // namespace Report
