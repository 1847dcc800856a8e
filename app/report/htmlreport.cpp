// SPDX-License-Identifier: GPL-3.0-or-later
#include "htmlreport.h"

#include "report/analysisreport.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace Report {

namespace {

const char kStyle[] = R"(
:root { --fits: #2e7d32; --tight: #b26a00; --nofit: #c62828; --muted: #5f6368; --rule: #d0d4d9; --bar: #eceff1; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #202124;
       max-width: 70rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
.meta, .muted { color: var(--muted); font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.88rem; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.2rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f5f6f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv th { width: 14rem; background: none; font-weight: 600; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.85em;
              word-break: break-all; }
.board { border: 1px solid var(--rule); border-radius: 6px; padding: 0.6rem 1rem; margin: 0.8rem 0;
         break-inside: avoid; }
.verdict { font-weight: 700; font-size: 1.1rem; }
.fits { color: var(--fits); } .tight { color: var(--tight); } .nofit { color: var(--nofit); }
.bar { background: var(--bar); height: 0.9rem; width: 100%; max-width: 32rem; border-radius: 3px; overflow: hidden; }
.bar > div { height: 100%; }
.bar .fits { background: var(--fits); } .bar .tight { background: var(--tight); } .bar .nofit { background: var(--nofit); }
.bar .plan { background: #1565c0; }
.barrow { display: grid; grid-template-columns: 4rem minmax(8rem, 32rem) auto; gap: 0.6rem; align-items: center;
          margin: 0.25rem 0; }
.unsupported { color: var(--nofit); }
.missing { border: 1px dashed var(--rule); padding: 1rem; color: var(--muted); }
figure { margin: 0.5rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
.wide { overflow-x: auto; }
.wide td { white-space: nowrap; }
.wide table { font-size: 0.82rem; }
.wide th, .wide td { padding: 0.2rem 0.45rem; }
.wide td.wrap { white-space: normal; }
.wide td.name { white-space: normal; overflow-wrap: anywhere; min-width: 11rem; }
.scroll { display: inline-block; max-width: 100%; max-height: 48rem; overflow: auto;
          border: 1px solid var(--rule); }
.scroll img { max-width: none; border: none; display: block; }
tr.unsup td { color: var(--nofit); }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, .board { break-inside: avoid; }
  .scroll { max-height: none; overflow: visible; border: none; }
  .scroll img { max-width: 100%; }
  .bar, .bar > div { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)";

/** 2656768 -> "2 656 768" with narrow no-break spaces: readable in any locale and never mistaken for a decimal. */
QString grouped(qint64 v)
{
    QString digits = QString::number(v < 0 ? -v : v);
    for (auto i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, QChar(0x202F));
    return v < 0 ? QLatin1Char('-') + digits : digits;
}

QString bytesText(qint64 bytes)
{
    return grouped(bytes) + QStringLiteral(" B (") + Devices::formatByteSize(bytes) + QLatin1Char(')');
}

/** A statistic with `decimals` digits, or an en dash when there is none. */
QString stat(double v, int decimals)
{
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("–");
}

QString statusClass(Devices::FitStatus status)
{
    switch (status) {
    case Devices::FitStatus::Fits:
        return QStringLiteral("fits");
    case Devices::FitStatus::Tight:
        return QStringLiteral("tight");
    case Devices::FitStatus::DoesNotFit:
        return QStringLiteral("nofit");
    }
    return {};
}

QString td(const QString& text, bool numeric = false)
{
    return (numeric ? QStringLiteral("<td class=\"num\">") : QStringLiteral("<td>")) + htmlEscape(text)
        + QStringLiteral("</td>");
}

/** A tensor or operator name cell. Converters join the names of fused operations with ';' into names hundreds of
 *  characters long: the cell shows the first (the outermost operation) and keeps the whole name in its tooltip. */
QString nameTd(const QString& name)
{
    const qsizetype cut = name.indexOf(QLatin1Char(';'));
    if (cut < 0)
        return QStringLiteral("<td class=\"name\">") + htmlEscape(name) + QStringLiteral("</td>");
    return QStringLiteral("<td class=\"name\" title=\"%1\">%2&#8203;;&#8230;</td>")
        .arg(htmlEscape(name), htmlEscape(name.left(cut)));
}

QString th(const QString& text, bool numeric = false)
{
    return (numeric ? QStringLiteral("<th class=\"num\">") : QStringLiteral("<th>")) + htmlEscape(text)
        + QStringLiteral("</th>");
}

QString kvRow(const QString& key, const QString& valueHtml)
{
    return QStringLiteral("<tr><th>") + htmlEscape(key) + QStringLiteral("</th><td>") + valueHtml
        + QStringLiteral("</td></tr>\n");
}

/** A horizontal bar filled to `percent` (clamped to 0..100 for drawing). */
QString barHtml(double percent, const QString& cssClass)
{
    const double width = std::isfinite(percent) ? std::clamp(percent, 0.0, 100.0) : 100.0;
    return QStringLiteral("<div class=\"bar\"><div class=\"%1\" style=\"width:%2%\"></div></div>")
        .arg(cssClass, QString::number(width, 'f', 1));
}

QString tensorList(const Profiler::Subgraph& sg, const std::vector<int>& indices)
{
    QStringList items;
    for (int idx : indices) {
        const Profiler::Tensor* t = sg.tensorAt(idx);
        if (!t)
            continue;
        items << QStringLiteral("<code>%1</code> %2 [%3]")
                     .arg(htmlEscape(t->displayName(idx)), htmlEscape(Profiler::dataTypeName(t->type)),
                         htmlEscape(Profiler::shapeToString(*t)));
    }
    return items.isEmpty() ? QStringLiteral("–") : items.join(QStringLiteral("<br>"));
}

QString summarySection(const ReportInput& in, const Profiler::ModelAnalysis* analysis)
{
    const Profiler::Model& m = in.document->model;
    QString h = QStringLiteral("<section id=\"summary\">\n<h2>Model</h2>\n<table class=\"kv\">\n");
    h += kvRow(
        QStringLiteral("File"), QStringLiteral("<code>%1</code>").arg(htmlEscape(QFileInfo(m.filePath).fileName())));
    h += kvRow(QStringLiteral("Size"), htmlEscape(bytesText(m.fileSize)));
    h += kvRow(QStringLiteral("SHA-256"),
        in.modelSha256.isEmpty() ? QStringLiteral("unknown")
                                 : QStringLiteral("<code>%1</code>").arg(htmlEscape(in.modelSha256)));
    h += kvRow(QStringLiteral("Format"),
        htmlEscape(QStringLiteral("%1, schema version %2").arg(m.format).arg(m.formatVersion)));
    if (!m.description.isEmpty())
        h += kvRow(QStringLiteral("Producer"), htmlEscape(m.description));
    h += kvRow(QStringLiteral("Subgraphs"), htmlEscape(QString::number(m.subgraphs.size())));
    h += kvRow(
        QStringLiteral("Operators (all subgraphs)"), htmlEscape(grouped(static_cast<qint64>(m.operatorCount()))));
    if (analysis) {
        const Profiler::ModelSummary& s = analysis->summary;
        const Profiler::Subgraph& sg = m.subgraphs[static_cast<std::size_t>(s.subgraph)];
        QString sgName = QStringLiteral("subgraph %1").arg(s.subgraph);
        if (!sg.name.isEmpty())
            sgName += QStringLiteral(" “") + sg.name + QStringLiteral("”");
        h += kvRow(QStringLiteral("Analysed"),
            htmlEscape(
                QStringLiteral("%1: %2 operators, %3 tensors").arg(sgName, grouped(s.operators), grouped(s.tensors))));
        h += kvRow(QStringLiteral("Parameters"), htmlEscape(grouped(s.params)));
        h += kvRow(QStringLiteral("MACs per inference"), htmlEscape(grouped(s.macs)));
        h += kvRow(QStringLiteral("Weights"), htmlEscape(bytesText(s.weightBytes)));
        h += kvRow(QStringLiteral("Largest activation"), htmlEscape(bytesText(s.largestActivationBytes)));
        h += kvRow(QStringLiteral("Inputs"), tensorList(sg, sg.inputs));
        h += kvRow(QStringLiteral("Outputs"), tensorList(sg, sg.outputs));
        h += kvRow(QStringLiteral("TFLM support"),
            s.unsupportedOperators == 0
                ? QStringLiteral("every operator has a TFLM reference kernel")
                : QStringLiteral("<span class=\"unsupported\">%1</span>")
                      .arg(htmlEscape(QStringLiteral("%1 operator(s) without a TFLM reference kernel")
                                          .arg(s.unsupportedOperators))));
    }
    h += QStringLiteral("</table>\n");
    if (!m.warnings.isEmpty()) {
        h += QStringLiteral("<p class=\"muted\">Loader warnings:</p><ul>\n");
        for (const QString& w : m.warnings)
            h += QStringLiteral("<li>") + htmlEscape(w) + QStringLiteral("</li>\n");
        h += QStringLiteral("</ul>\n");
    }
    return h + QStringLiteral("</section>\n");
}

QString fitBarRow(const QString& label, const Devices::FitBar& bar)
{
    QString text
        = Devices::formatByteSize(bar.usedBytes) + QStringLiteral(" of ") + Devices::formatByteSize(bar.budgetBytes);
    if (bar.budgetBytes > 0)
        text += QStringLiteral(" (") + Devices::formatPercent(bar.percent) + QLatin1Char(')');
    return QStringLiteral("<div class=\"barrow\"><span>%1</span>%2<span>%3</span></div>\n")
        .arg(htmlEscape(label), barHtml(bar.percent, statusClass(bar.status)), htmlEscape(text));
}

QString boardsSection(const ReportInput& in)
{
    QString h = QStringLiteral("<section id=\"boards\">\n<h2>Board fit</h2>\n");
    if (in.boards.empty())
        return h + QStringLiteral("<p class=\"missing\">No board was selected for this report.</p>\n</section>\n");
    for (const BoardFit& fit : in.boards) {
        const Devices::FitVerdict& v = fit.verdict;
        const Devices::BoardProfile& b = fit.board;
        const QString cls = !v.unsupportedOperators.isEmpty() && v.overall != Devices::FitStatus::DoesNotFit
            ? QStringLiteral("tight")
            : statusClass(v.overall);
        h += QStringLiteral("<div class=\"board\">\n<h3>%1</h3>\n").arg(htmlEscape(b.name));
        QStringList facts;
        if (!b.mcu.isEmpty())
            facts << b.mcu;
        if (!b.core.isEmpty())
            facts << b.core;
        facts << QStringLiteral("RAM budget ") + Devices::formatByteSize(b.ramBudgetBytes())
              << QStringLiteral("flash budget ") + Devices::formatByteSize(b.flashBudgetBytes());
        h += QStringLiteral("<p class=\"muted\">%1 · <code>%2</code></p>\n")
                 .arg(htmlEscape(facts.join(QStringLiteral(" · "))), htmlEscape(b.id));
        h += QStringLiteral("<p class=\"verdict %1\">%2</p>\n").arg(cls, htmlEscape(v.headline));
        h += fitBarRow(QStringLiteral("RAM"), v.ram);
        h += fitBarRow(QStringLiteral("Flash"), v.flash);
        h += QStringLiteral("<ul>\n");
        for (const QString& s : v.sentences)
            h += QStringLiteral("<li>") + htmlEscape(s) + QStringLiteral("</li>\n");
        for (const QString& s : v.details)
            h += QStringLiteral("<li class=\"muted\">") + htmlEscape(s) + QStringLiteral("</li>\n");
        for (const QString& s : v.warnings)
            h += QStringLiteral("<li class=\"tight\">") + htmlEscape(s) + QStringLiteral("</li>\n");
        if (!v.unsupportedSentence.isEmpty())
            h += QStringLiteral("<li class=\"unsupported\">") + htmlEscape(v.unsupportedSentence)
                + QStringLiteral("</li>\n");
        if (!v.suggestion.isEmpty())
            h += QStringLiteral("<li>") + htmlEscape(v.suggestion) + QStringLiteral("</li>\n");
        h += QStringLiteral("</ul>\n</div>\n");
    }
    return h + QStringLiteral("</section>\n");
}

QString memorySection(const ReportInput& in)
{
    const Profiler::MemoryReport& r = in.document->memory;
    const qint64 tflm = r.tflm.arenaBytes;
    struct Row
    {
        QString what;
        qint64 bytes;
        QString note;
    };
    const std::vector<Row> rows {
        { QStringLiteral("TFLM plan (what TFLM will ask for)"), tflm,
            QStringLiteral("GreedyMemoryPlanner, file order") },
        { QStringLiteral("Lower bound"), r.lowerBound, QStringLiteral("no plan of the file's order is smaller") },
        { QStringLiteral("Best plan"), r.best.arenaBytes,
            r.best.provenOptimal ? QStringLiteral("proven optimal")
                                 : QStringLiteral("TinyScope's planner, file order") },
        { QStringLiteral("Reordered operators, best plan"), r.reorderedBest.arenaBytes,
            r.reorder.exact ? QStringLiteral("best operator order (exhaustive search)")
                            : QStringLiteral("better operator order (bounded search)") },
        { QStringLiteral("Reordered operators, TFLM plan"), r.reorderedTflm.arenaBytes,
            QStringLiteral("what TFLM plans for a file stored in that order") },
    };
    QString h = QStringLiteral("<section id=\"memory\">\n<h2>Memory plans</h2>\n<table>\n<tr>")
        + th(QStringLiteral("Arena (head)")) + th(QStringLiteral("bytes"), true) + th(QStringLiteral("vs TFLM"), true)
        + th(QString()) + th(QStringLiteral("note")) + QStringLiteral("</tr>\n");
    for (const Row& row : rows) {
        const double pct = tflm > 0 ? 100.0 * static_cast<double>(row.bytes) / static_cast<double>(tflm) : 0.0;
        h += QStringLiteral("<tr>") + td(row.what) + td(grouped(row.bytes), true)
            + td(tflm > 0 ? QString::number(pct, 'f', 1) + QStringLiteral(" %") : QStringLiteral("–"), true)
            + QStringLiteral("<td style=\"min-width:10rem\">") + barHtml(pct, QStringLiteral("plan"))
            + QStringLiteral("</td>") + td(row.note) + QStringLiteral("</tr>\n");
    }
    h += QStringLiteral("</table>\n");
    const qint64 saving = tflm - r.reorderedBest.arenaBytes;
    if (saving > 0)
        h += QStringLiteral("<p>Reordering the operators and using TinyScope's plan saves <b>%1</b> of arena "
                            "(%2 % of TFLM's plan).</p>\n")
                 .arg(htmlEscape(bytesText(saving)),
                     QString::number(100.0 * static_cast<double>(saving) / static_cast<double>(tflm), 'f', 1));
    else
        h += QStringLiteral("<p>No plan or operator order found is smaller than TFLM's own plan.</p>\n");
    h += QStringLiteral("<table class=\"kv\">\n");
    h += kvRow(QStringLiteral("Persistent (tail, estimate)"), htmlEscape(bytesText(r.persistent.totalBytes)));
    h += kvRow(QStringLiteral("Total arena (estimate)"), htmlEscape(bytesText(tflm + r.persistent.totalBytes)));
    h += kvRow(QStringLiteral("Alignment"), htmlEscape(QStringLiteral("%1 bytes").arg(r.problem.alignment)));
    h += QStringLiteral("</table>\n");
    for (const QString& w : r.problem.warnings)
        h += QStringLiteral("<p class=\"tight\">") + htmlEscape(w) + QStringLiteral("</p>\n");
    return h + QStringLiteral("</section>\n");
}

/** An image section; `scroll`: the image keeps its own size inside a box that scrolls (tall graphs stay readable
 *  without taking the whole page; printed, it is scaled to the page width instead). */
QString imageSection(
    const QString& id, const QString& title, const ReportImage& image, const QString& what, bool scroll = false)
{
    QString h = QStringLiteral("<section id=\"%1\">\n<h2>%2</h2>\n").arg(id, htmlEscape(title));
    const bool known = image.mimeType == QLatin1String("image/png") || image.mimeType == QLatin1String("image/svg+xml");
    if (image.isEmpty() || !known)
        return h + QStringLiteral("<p class=\"missing\">") + htmlEscape(imageNotRenderedText(what))
            + QStringLiteral("</p>\n</section>\n");
    // A data: URI in <img> keeps the file self-contained and never runs script that an SVG might carry.
    h += QStringLiteral("<figure>%4<img alt=\"%1\" src=\"data:%2;base64,%3\">%5")
             .arg(htmlEscape(title), image.mimeType, QString::fromLatin1(image.data.toBase64()),
                 scroll ? QStringLiteral("<div class=\"scroll\">") : QString(),
                 scroll ? QStringLiteral("</div>") : QString());
    if (!image.caption.isEmpty())
        h += QStringLiteral("<figcaption class=\"muted\">") + htmlEscape(image.caption)
            + QStringLiteral("</figcaption>");
    return h + QStringLiteral("</figure>\n</section>\n");
}

QString latencySection(const ReportInput& in, const Profiler::ModelAnalysis* analysis)
{
    QString h = QStringLiteral("<section id=\"latency\">\n<h2>Latency</h2>\n");
    if (!in.latency)
        return h
            + QStringLiteral(
                "<p class=\"missing\">No profiling session was given: no measured latency.</p>\n</section>\n");
    const Profiler::LatencyProfile& p = *in.latency;
    const bool ms = p.hasTime();
    const auto value = [&](double ticks) { return ms ? p.ticksToMs(ticks) : ticks; };
    const QString unit = ms ? QStringLiteral("ms") : QStringLiteral("ticks");
    const int decimals = ms ? 3 : 0;
    h += QStringLiteral("<table class=\"kv\">\n");
    h += kvRow(QStringLiteral("Source"), htmlEscape(p.source));
    if (!p.boardName.isEmpty())
        h += kvRow(QStringLiteral("Board"), htmlEscape(p.boardName));
    h += kvRow(QStringLiteral("Tick rate"),
        htmlEscape(ms ? QStringLiteral("%1 Hz").arg(grouped(std::llround(p.tickHz)))
                      : QStringLiteral("unknown (ticks only)")));
    h += kvRow(QStringLiteral("Runs"),
        htmlEscape(
            QStringLiteral("%1 in the session, %2 used (%3 cut short)%4")
                .arg(p.runsTotal)
                .arg(p.runsUsed)
                .arg(p.runsIncomplete)
                .arg(p.warmupRun >= 0 ? QStringLiteral("; run %1 set aside as warm-up").arg(p.warmupRun) : QString())));
    h += kvRow(QStringLiteral("Samples rejected"), htmlEscape(QString::number(p.samplesRejected)));
    h += kvRow(QStringLiteral("Sum of layer medians"),
        htmlEscape(stat(value(p.totalMedianTicks), decimals) + QLatin1Char(' ') + unit));
    h += kvRow(QStringLiteral("Run total (median, min, max)"),
        htmlEscape(QStringLiteral("%1, %2, %3 %4")
                       .arg(stat(value(p.runTotalMedianTicks), decimals), stat(value(p.runTotalMinTicks), decimals),
                           stat(value(p.runTotalMaxTicks), decimals), unit)));
    h += QStringLiteral("</table>\n");
    for (const QString& w : p.warnings)
        h += QStringLiteral("<p class=\"tight\">") + htmlEscape(w) + QStringLiteral("</p>\n");

    h += QStringLiteral("<div class=\"wide\"><table>\n<tr>") + th(QStringLiteral("#"), true)
        + th(QStringLiteral("type")) + th(QStringLiteral("name")) + th(QStringLiteral("samples"), true)
        + th(QStringLiteral("median ") + unit, true) + th(QStringLiteral("mean ") + unit, true)
        + th(QStringLiteral("min ") + unit, true) + th(QStringLiteral("max ") + unit, true)
        + th(QStringLiteral("stddev ") + unit, true) + th(QStringLiteral("share"), true)
        + th(QStringLiteral("cycles/MAC"), true) + QStringLiteral("</tr>\n");
    for (std::size_t i = 0; i < p.layers.size(); ++i) {
        const Profiler::LayerLatency& l = p.layers[i];
        const Profiler::LayerInfo* info = analysis && i < analysis->layers.size() ? &analysis->layers[i] : nullptr;
        h += QStringLiteral("<tr>") + td(QString::number(i), true) + td(info ? info->type : QString())
            + nameTd(info ? info->name : QString()) + td(QString::number(l.samples), true)
            + td(stat(value(l.medianTicks), decimals), true) + td(stat(value(l.meanTicks), decimals), true)
            + td(stat(value(l.minTicks), decimals), true) + td(stat(value(l.maxTicks), decimals), true)
            + td(stat(value(l.stddevTicks), decimals), true)
            + td(std::isfinite(l.share) ? QString::number(100.0 * l.share, 'f', 1) + QStringLiteral(" %")
                                        : QStringLiteral("–"),
                true)
            + td(stat(l.cyclesPerMac, 2), true) + QStringLiteral("</tr>\n");
    }
    return h + QStringLiteral("</table></div>\n</section>\n");
}

QString layerSection(const ReportInput& in, const Profiler::ModelAnalysis* analysis)
{
    QString h = QStringLiteral("<section id=\"layers\">\n<h2>Layers</h2>\n");
    if (!analysis)
        return h + QStringLiteral("<p class=\"missing\">No analysis.</p>\n</section>\n");
    const Profiler::Subgraph& sg = in.document->model.subgraphs[static_cast<std::size_t>(analysis->summary.subgraph)];
    h += QStringLiteral("<div class=\"wide\"><table>\n<tr>") + th(QStringLiteral("#"), true)
        + th(QStringLiteral("name")) + th(QStringLiteral("type")) + th(QStringLiteral("category"))
        + th(QStringLiteral("output shape")) + th(QStringLiteral("params"), true) + th(QStringLiteral("MACs"), true)
        + th(QStringLiteral("weight bytes"), true) + th(QStringLiteral("output bytes"), true)
        + th(QStringLiteral("TFLM")) + QStringLiteral("</tr>\n");
    for (const Profiler::LayerInfo& layer : analysis->layers) {
        const Profiler::Operator& op = sg.operators[static_cast<std::size_t>(layer.index)];
        const bool unsupported = layer.support.status == Profiler::SupportStatus::Unsupported;
        QString support = Profiler::supportStatusName(layer.support.status);
        if (!layer.support.reason.isEmpty() && layer.support.status != Profiler::SupportStatus::Supported)
            support += QStringLiteral(": ") + layer.support.reason;
        h += (unsupported ? QStringLiteral("<tr class=\"unsup\">") : QStringLiteral("<tr>"))
            + td(QString::number(layer.index), true) + nameTd(layer.name) + td(layer.type)
            + td(Profiler::opCategoryName(layer.category))
            + td(Profiler::tensorShapes(sg, op.outputs).join(QLatin1Char(' '))) + td(grouped(layer.params), true)
            + td(grouped(layer.macs), true) + td(grouped(layer.weightBytes), true)
            + td(grouped(layer.outputBytes), true) + QStringLiteral("<td class=\"wrap\">") + htmlEscape(support)
            + QStringLiteral("</td></tr>\n");
    }
    return h + QStringLiteral("</table></div>\n</section>\n");
}

} // namespace

QString htmlEscape(const QString& text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '&':
            out += QLatin1String("&amp;");
            break;
        case '<':
            out += QLatin1String("&lt;");
            break;
        case '>':
            out += QLatin1String("&gt;");
            break;
        case '"':
            out += QLatin1String("&quot;");
            break;
        case '\'':
            out += QLatin1String("&#39;");
            break;
        default:
            out += c;
        }
    }
    return out;
}

QString imageNotRenderedText(const QString& what)
{
    return QStringLiteral("Image not rendered: %1.").arg(what);
}

QByteArray htmlReport(const ReportInput& input)
{
    if (!input.document)
        return {};
    const Profiler::ModelAnalysis* analysis = input.analysis();
    const QString file = QFileInfo(input.document->model.filePath).fileName();
    QString h = QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h += QStringLiteral("<title>TinyScope report: %1</title>\n").arg(htmlEscape(file));
    h += QStringLiteral("<style>") + QString::fromUtf8(kStyle) + QStringLiteral("</style>\n</head>\n<body>\n");
    h += QStringLiteral("<h1>TinyScope report: <code>%1</code></h1>\n").arg(htmlEscape(file));
    QStringList meta;
    if (!input.generator.isEmpty())
        meta << QStringLiteral("Generated by ") + input.generator;
    if (input.generatedAt.isValid())
        meta << input.generatedAt.toUTC().toString(Qt::ISODate);
    if (!meta.isEmpty())
        h += QStringLiteral("<p class=\"meta\">") + htmlEscape(meta.join(QStringLiteral(", ")))
            + QStringLiteral("</p>\n");
    h += summarySection(input, analysis);
    h += boardsSection(input);
    h += memorySection(input);
    h += imageSection(QStringLiteral("timeline"), QStringLiteral("Memory timeline"), input.timelineImage,
        QStringLiteral("the memory timeline was not drawn for this report (tinyscope-cli report --images none, or "
                       "drawing failed)"));
    h += latencySection(input, analysis);
    h += layerSection(input, analysis);
    // The graph last: a tall chain of operators would otherwise push everything below it far down.
    h += imageSection(QStringLiteral("graph"), QStringLiteral("Graph"), input.graphImage,
        QStringLiteral("the layer graph was not drawn for this report (tinyscope-cli report --images none, or drawing "
                       "failed)"),
        true);
    h += QStringLiteral("</body>\n</html>\n");
    return h.toUtf8();
}

} // namespace Report
