// SPDX-License-Identifier: GPL-3.0-or-later
#include "propertiespanel.h"

#include "categorycolors.h"
#include "heatscale.h"
#include "layertablemodel.h"
#include "selectionhub.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollBar>
#include <QSet>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace Widgets {

using Profiler::Quantization;
using LinkKind = PropertiesPanel::LinkKind;

namespace {

QString bytesText(qint64 bytes)
{
    if (bytes < 0)
        return PropertiesPanel::tr("no fixed size");
    return PropertiesPanel::tr("%1 bytes").arg(formatCount(bytes));
}

QString realText(double value)
{
    return QString::number(value, 'g', 6);
}

QString optionText(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QMetaType::Double:
    case QMetaType::Float:
        return realText(value.toDouble());
    case QMetaType::QVariantList: {
        QStringList parts;
        const QVariantList list = value.toList();
        for (const QVariant& v : list)
            parts << optionText(v);
        return parts.join(QStringLiteral(", "));
    }
    default:
        return value.toString();
    }
}

QColor unsupportedColor()
{
    return paletteIsDark() ? QColor(255, 128, 128) : QColor(180, 20, 30);
}

/** Fills the tree for one selection of one document. */
class TreeWriter
{
public:
    TreeWriter(QTreeWidget* tree, const Profiler::ModelDocument& doc, int subgraph,
        const Profiler::LatencyProfile* latency = nullptr)
        : m_tree(tree)
        , m_latency(latency)
        , m_doc(doc)
        , m_subgraphIndex(subgraph)
        , m_sg(doc.model.subgraphs[static_cast<std::size_t>(subgraph)])
    { }

    void writeOperator(int opIndex)
    {
        const Profiler::Operator& op = m_sg.operators[static_cast<std::size_t>(opIndex)];
        const Profiler::LayerInfo* layer = layerOf(opIndex);

        QTreeWidgetItem* s = section(PropertiesPanel::tr("Operator"));
        row(s, PropertiesPanel::tr("Type"), op.type);
        const Profiler::OpCategory category = layer ? layer->category : Profiler::opCategory(op.type, op.isCustom);
        QTreeWidgetItem* cat = row(s, PropertiesPanel::tr("Category"), categoryLabel(category));
        cat->setIcon(1, swatch(categoryColor(category, paletteIsDark())));
        row(s, PropertiesPanel::tr("Index"), QString::number(opIndex));
        row(s, PropertiesPanel::tr("Name"), operatorName(opIndex));
        row(s, PropertiesPanel::tr("Version"), QString::number(op.version));
        if (op.isCustom) {
            row(s, PropertiesPanel::tr("Custom operator"), PropertiesPanel::tr("yes"));
            row(s, PropertiesPanel::tr("Custom options"), bytesText(op.customOptionsBytes));
        } else if (op.builtinCode >= 0) {
            row(s, PropertiesPanel::tr("Builtin code"), QString::number(op.builtinCode));
        }
        row(s, PropertiesPanel::tr("Subgraph"), subgraphText(m_subgraphIndex));
        for (int called : op.calledSubgraphs)
            link(row(s, PropertiesPanel::tr("Calls"), subgraphText(called)), LinkKind::Subgraph, called);

        if (!op.options.empty()) {
            QTreeWidgetItem* o = section(PropertiesPanel::tr("Options"));
            for (const Profiler::OperatorOption& option : op.options)
                row(o, option.key, optionText(option.value));
        }

        if (layer) {
            QTreeWidgetItem* a = section(PropertiesPanel::tr("Analysis"));
            row(a, PropertiesPanel::tr("Params"), formatCount(layer->params));
            row(a, PropertiesPanel::tr("MACs"), formatCount(layer->macs));
            row(a, PropertiesPanel::tr("Weight bytes"), bytesText(layer->weightBytes));
            row(a, PropertiesPanel::tr("Output bytes"), bytesText(layer->outputBytes));
            const auto [live, step] = liveAt(opIndex);
            if (step >= 0) {
                row(a, PropertiesPanel::tr("Live arena bytes"),
                    PropertiesPanel::tr("%1 at step %2").arg(bytesText(live)).arg(step));
                const qint64 peak = m_doc.memory.timeline.peakBytes;
                if (peak > 0) {
                    row(a, PropertiesPanel::tr("Share of peak"),
                        QStringLiteral("%1 %").arg(
                            QLocale().toString(100.0 * static_cast<double>(live) / static_cast<double>(peak), 'f', 1)));
                }
            }
            QTreeWidgetItem* support
                = row(a, PropertiesPanel::tr("Support (TFLM)"), Profiler::supportStatusName(layer->support.status));
            if (layer->support.status == Profiler::SupportStatus::Unsupported)
                support->setForeground(1, unsupportedColor());
            if (!layer->support.reason.isEmpty()) {
                QTreeWidgetItem* reason = row(a, PropertiesPanel::tr("Reason"), layer->support.reason);
                if (layer->support.status == Profiler::SupportStatus::Unsupported)
                    reason->setForeground(1, unsupportedColor());
            }
        }

        if (m_latency && m_latency->subgraph == m_subgraphIndex)
            writeLatency(opIndex);

        writeTensorList(PropertiesPanel::tr("Inputs"), PropertiesPanel::tr("input %1"), op.inputs);
        writeTensorList(PropertiesPanel::tr("Outputs"), PropertiesPanel::tr("output %1"), op.outputs);
        if (!op.intermediates.empty())
            writeTensorList(
                PropertiesPanel::tr("Intermediates"), PropertiesPanel::tr("intermediate %1"), op.intermediates);
    }

    void writeTensor(int tensorIndex)
    {
        const Profiler::Tensor& t = tensorAt(tensorIndex);
        QTreeWidgetItem* s = section(PropertiesPanel::tr("Tensor"));
        writeTensorDetails(s, tensorIndex, true);
        QTreeWidgetItem* q = s->child(s->childCount() - 1);
        if (q)
            q->setExpanded(true);

        const bool isInput = contains(m_sg.inputs, tensorIndex);
        const bool isOutput = contains(m_sg.outputs, tensorIndex);
        if (isInput || isOutput) {
            row(s, PropertiesPanel::tr("Role"),
                isInput && isOutput ? PropertiesPanel::tr("subgraph input and output")
                    : isInput       ? PropertiesPanel::tr("subgraph input")
                                    : PropertiesPanel::tr("subgraph output"));
        }

        // Producer and consumers in execution order.
        int producer = -1;
        std::vector<int> consumers;
        for (const Profiler::Operator& op : m_sg.operators) {
            if (producer < 0 && contains(op.outputs, tensorIndex))
                producer = op.index;
            if (contains(op.inputs, tensorIndex))
                consumers.push_back(op.index);
        }
        QTreeWidgetItem* p = section(PropertiesPanel::tr("Producer"));
        if (producer >= 0) {
            operatorLink(p, producer);
        } else {
            row(p, PropertiesPanel::tr("none"),
                t.isConstant       ? PropertiesPanel::tr("constant data stored in the model")
                    : t.isVariable ? PropertiesPanel::tr("variable state")
                    : isInput      ? PropertiesPanel::tr("subgraph input")
                                   : QString());
        }
        QTreeWidgetItem* c = section(PropertiesPanel::tr("Consumers (%1)").arg(consumers.size()));
        for (int op : consumers)
            operatorLink(c, op);
        if (consumers.empty())
            row(c, PropertiesPanel::tr("none"), isOutput ? PropertiesPanel::tr("subgraph output") : QString());

        writeMemory(tensorIndex);
    }

    /** The session behind the latency figures: where they come from and what went into them. */
    static void writeSession(QTreeWidget* tree, const Profiler::LatencyProfile& p)
    {
        QTreeWidgetItem* s = section(tree, PropertiesPanel::tr("Measured session"));
        row(s, PropertiesPanel::tr("Source"), p.source.isEmpty() ? PropertiesPanel::tr("unknown") : p.source);
        if (!p.boardName.isEmpty())
            row(s, PropertiesPanel::tr("Board"), p.boardName);
        row(s, PropertiesPanel::tr("Tick rate"),
            p.hasTime() ? PropertiesPanel::tr("%1 Hz").arg(formatTicks(p.tickHz))
                        : PropertiesPanel::tr("unknown (latencies in ticks)"));
        if (p.cpuHz > 0)
            row(s, PropertiesPanel::tr("CPU clock"), PropertiesPanel::tr("%1 Hz").arg(formatTicks(p.cpuHz)));
        row(s, PropertiesPanel::tr("Runs"),
            PropertiesPanel::tr("%1 received, %2 used").arg(p.runsTotal).arg(p.runsUsed));
        row(s, PropertiesPanel::tr("Warm-up"),
            p.warmupRun >= 0 ? PropertiesPanel::tr("first run set aside") : PropertiesPanel::tr("none set aside"));
        if (p.runsIncomplete > 0)
            row(s, PropertiesPanel::tr("Cut short"), QString::number(p.runsIncomplete));
        row(s, PropertiesPanel::tr("Measured operators"),
            PropertiesPanel::tr("%1 of %2").arg(p.measuredLayers()).arg(p.layers.size()));
        row(s, PropertiesPanel::tr("Sum of medians"), formatLatency(p, p.totalMedianTicks));
        if (!std::isnan(p.runTotalMedianTicks)) {
            row(s, PropertiesPanel::tr("Whole run"),
                PropertiesPanel::tr("%1 median (%2 to %3)")
                    .arg(formatLatency(p, p.runTotalMedianTicks), formatLatency(p, p.runTotalMinTicks),
                        formatLatency(p, p.runTotalMaxTicks)));
        }
        row(s, PropertiesPanel::tr("Rejected samples"), QString::number(p.samplesRejected));
        if (!p.warnings.empty()) {
            QTreeWidgetItem* w = section(tree, PropertiesPanel::tr("Warnings (%1)").arg(p.warnings.size()));
            for (const QString& warning : p.warnings) {
                QTreeWidgetItem* item = row(w, QString(), warning);
                item->setFirstColumnSpanned(true);
                item->setText(0, warning);
                item->setToolTip(0, warning);
            }
        }
    }

private:
    void writeLatency(int op)
    {
        const Profiler::LatencyProfile& p = *m_latency;
        QTreeWidgetItem* s = section(PropertiesPanel::tr("Measured latency"));
        const Profiler::LayerLatency* l = op >= 0 && static_cast<std::size_t>(op) < p.layers.size()
            ? &p.layers[static_cast<std::size_t>(op)]
            : nullptr;
        if (!l || !l->measured()) {
            row(s, PropertiesPanel::tr("Median"), PropertiesPanel::tr("not measured"));
        } else {
            QTreeWidgetItem* median = row(s, PropertiesPanel::tr("Median"), formatLatency(p, l->medianTicks));
            median->setIcon(1, swatch(heatScaleColor(heatPosition(l->share, maximumShare(p)))));
            if (p.hasTime())
                row(s, PropertiesPanel::tr("Median ticks"), formatTicks(l->medianTicks));
            row(s, PropertiesPanel::tr("Mean"), formatLatency(p, l->meanTicks));
            row(s, PropertiesPanel::tr("Min"), formatLatency(p, l->minTicks));
            row(s, PropertiesPanel::tr("Max"), formatLatency(p, l->maxTicks));
            row(s, PropertiesPanel::tr("Std. deviation"), formatLatency(p, l->stddevTicks));
            row(s, PropertiesPanel::tr("Share of measured time"), formatShare(l->share));
            if (!std::isnan(l->cyclesPerMac))
                row(s, PropertiesPanel::tr("Cycles per MAC"), formatCyclesPerMac(l->cyclesPerMac));
        }
        row(s, PropertiesPanel::tr("Samples"), QString::number(l ? l->samples : 0));
        row(s, PropertiesPanel::tr("Rejected"), QString::number(l ? l->rejected : 0));
        row(s, PropertiesPanel::tr("Warm-up run"),
            l && l->warmupTicks ? formatLatency(p, *l->warmupTicks)
                                : (p.warmupRun >= 0 ? PropertiesPanel::tr("no sample") : PropertiesPanel::tr("none")));
        row(s, PropertiesPanel::tr("Runs"), runsSummary(p));
    }

    const Profiler::LayerInfo* layerOf(int op) const
    {
        const auto& layers = m_doc.analyses[static_cast<std::size_t>(m_subgraphIndex)].layers;
        return op >= 0 && static_cast<std::size_t>(op) < layers.size() ? &layers[static_cast<std::size_t>(op)]
                                                                       : nullptr;
    }

    const Profiler::Tensor& tensorAt(int t) const { return m_sg.tensors[static_cast<std::size_t>(t)]; }
    bool validTensor(int t) const { return t >= 0 && static_cast<std::size_t>(t) < m_sg.tensors.size(); }

    static bool contains(const std::vector<int>& list, int value)
    {
        return std::find(list.begin(), list.end(), value) != list.end();
    }

    QString operatorName(int op) const
    {
        const Profiler::LayerInfo* layer = layerOf(op);
        if (layer && !layer->name.isEmpty())
            return layer->name;
        const Profiler::Operator& o = m_sg.operators[static_cast<std::size_t>(op)];
        if (!o.outputs.empty() && validTensor(o.outputs[0]))
            return tensorAt(o.outputs[0]).displayName(o.outputs[0]);
        return PropertiesPanel::tr("operator %1").arg(op);
    }

    QString subgraphText(int s) const
    {
        if (s >= 0 && static_cast<std::size_t>(s) < m_doc.model.subgraphs.size()
            && !m_doc.model.subgraphs[static_cast<std::size_t>(s)].name.isEmpty())
            return QStringLiteral("%1 (%2)").arg(s).arg(m_doc.model.subgraphs[static_cast<std::size_t>(s)].name);
        return QString::number(s);
    }

    std::pair<qint64, int> liveAt(int op) const
    {
        qint64 live = -1;
        int step = -1;
        for (const Profiler::TimelineStep& st : m_doc.memory.timeline.steps) {
            if (st.subgraph == m_subgraphIndex && st.op == op && st.liveBytes > live) {
                live = st.liveBytes;
                step = st.step;
            }
        }
        return { live, step };
    }

    QString stepText(int step) const
    {
        const auto& steps = m_doc.memory.problem.steps;
        if (step < 0 || static_cast<std::size_t>(step) >= steps.size())
            return QString::number(step);
        const Profiler::MemoryStep& ms = steps[static_cast<std::size_t>(step)];
        if (ms.op < 0)
            return PropertiesPanel::tr("%1: entry of subgraph %2").arg(step).arg(ms.subgraph);
        QString type;
        if (ms.subgraph >= 0 && static_cast<std::size_t>(ms.subgraph) < m_doc.model.subgraphs.size()) {
            const auto& ops = m_doc.model.subgraphs[static_cast<std::size_t>(ms.subgraph)].operators;
            if (static_cast<std::size_t>(ms.op) < ops.size())
                type = ops[static_cast<std::size_t>(ms.op)].type;
        }
        if (ms.subgraph == m_subgraphIndex)
            return PropertiesPanel::tr("%1: operator %2 %3").arg(step).arg(ms.op).arg(type);
        return PropertiesPanel::tr("%1: subgraph %2, operator %3 %4").arg(step).arg(ms.subgraph).arg(ms.op).arg(type);
    }

    QTreeWidgetItem* section(const QString& title) { return section(m_tree, title); }

    static QTreeWidgetItem* section(QTreeWidget* tree, const QString& title)
    {
        auto* item = new QTreeWidgetItem(tree, { title });
        QFont font = item->font(0);
        font.setBold(true);
        item->setFont(0, font);
        item->setFirstColumnSpanned(true);
        item->setExpanded(true);
        item->setData(0, PropertiesPanel::LinkKindRole, int(LinkKind::None));
        return item;
    }

    static QTreeWidgetItem* row(QTreeWidgetItem* parent, const QString& property, const QString& value)
    {
        auto* item = new QTreeWidgetItem(parent, { property, value });
        item->setData(0, PropertiesPanel::LinkKindRole, int(LinkKind::None));
        item->setToolTip(1, value);
        return item;
    }

    QTreeWidgetItem* link(QTreeWidgetItem* item, LinkKind kind, int index) const
    {
        item->setData(0, PropertiesPanel::LinkKindRole, int(kind));
        item->setData(0, PropertiesPanel::LinkIndexRole, index);
        item->setForeground(1, m_tree->palette().color(QPalette::Link));
        QFont font = item->font(1);
        font.setUnderline(true);
        item->setFont(1, font);
        const QString what = kind == LinkKind::Tensor ? PropertiesPanel::tr("tensor")
            : kind == LinkKind::Operator              ? PropertiesPanel::tr("operator")
                                                      : PropertiesPanel::tr("subgraph");
        item->setToolTip(1, PropertiesPanel::tr("%1\nClick to select this %2").arg(item->text(1), what));
        return item;
    }

    void operatorLink(QTreeWidgetItem* parent, int op)
    {
        const Profiler::Operator& o = m_sg.operators[static_cast<std::size_t>(op)];
        link(row(parent, PropertiesPanel::tr("operator %1").arg(op),
                 QStringLiteral("%1  %2").arg(o.type, operatorName(op))),
            LinkKind::Operator, op);
    }

    static QIcon swatch(const QColor& color)
    {
        QPixmap pixmap(12, 12);
        pixmap.fill(color);
        return QIcon(pixmap);
    }

    void writeTensorList(const QString& title, const QString& label, const std::vector<int>& tensors)
    {
        QTreeWidgetItem* s = section(QStringLiteral("%1 (%2)").arg(title).arg(tensors.size()));
        for (std::size_t i = 0; i < tensors.size(); ++i) {
            const int t = tensors[i];
            if (!validTensor(t)) {
                row(s, label.arg(i),
                    t < 0 ? PropertiesPanel::tr("(omitted)") : PropertiesPanel::tr("(invalid index %1)").arg(t));
                continue;
            }
            const Profiler::Tensor& tensor = tensorAt(t);
            QTreeWidgetItem* item = row(s, label.arg(i),
                QStringLiteral("%1 %2  %3")
                    .arg(Profiler::dataTypeName(tensor.type), Profiler::shapeToString(tensor), tensor.displayName(t)));
            link(item, LinkKind::Tensor, t);
            writeTensorDetails(item, t, false);
        }
    }

    void writeTensorDetails(QTreeWidgetItem* parent, int index, bool expandQuantization)
    {
        const Profiler::Tensor& t = tensorAt(index);
        row(parent, PropertiesPanel::tr("Index"), QString::number(index));
        row(parent, PropertiesPanel::tr("Name"), t.name.isEmpty() ? PropertiesPanel::tr("(unnamed)") : t.name);
        row(parent, PropertiesPanel::tr("Shape"), Profiler::shapeToString(t));
        if (t.isDynamic()) {
            QStringList dims;
            QStringList signature;
            for (std::size_t d = 0; d < t.shapeSignature.size(); ++d) {
                if (t.shapeSignature[d] < 0)
                    dims << QString::number(d);
                signature << QString::number(t.shapeSignature[d]);
            }
            row(parent, PropertiesPanel::tr("Dynamic dimensions"),
                PropertiesPanel::tr("%1 (signature %2)")
                    .arg(dims.join(QStringLiteral(", ")), signature.join(QLatin1Char('x'))));
        }
        row(parent, PropertiesPanel::tr("Type"), Profiler::dataTypeName(t.type));
        row(parent, PropertiesPanel::tr("Elements"), formatCount(t.elements));
        row(parent, PropertiesPanel::tr("Bytes"), bytesText(t.bytes));
        QString storage = t.isConstant ? PropertiesPanel::tr("constant (in flash)")
            : t.isVariable             ? PropertiesPanel::tr("variable (persistent)")
                                       : PropertiesPanel::tr("activation (arena)");
        if (t.isSparse)
            storage += PropertiesPanel::tr(", sparse");
        row(parent, PropertiesPanel::tr("Storage"), storage);
        QTreeWidgetItem* q = writeQuantization(parent, t.quantization);
        q->setExpanded(expandQuantization);
    }

    QTreeWidgetItem* writeQuantization(QTreeWidgetItem* parent, const Quantization& q)
    {
        QTreeWidgetItem* item = row(parent, PropertiesPanel::tr("Quantization"), QString());
        auto zeroPointsText = [&]() {
            if (q.zeroPoints.empty())
                return PropertiesPanel::tr("none");
            const auto [lo, hi] = std::minmax_element(q.zeroPoints.begin(), q.zeroPoints.end());
            return *lo == *hi ? PropertiesPanel::tr("all %1").arg(*lo)
                              : PropertiesPanel::tr("%1 to %2").arg(*lo).arg(*hi);
        };
        QString summary;
        switch (q.scheme) {
        case Quantization::Scheme::None:
            summary = PropertiesPanel::tr("none");
            break;
        case Quantization::Scheme::PerTensor: {
            const double scale = q.scales.empty() ? 0.0 : static_cast<double>(q.scales.front());
            const qint64 zero = q.zeroPoints.empty() ? 0 : q.zeroPoints.front();
            summary = PropertiesPanel::tr("per-tensor: scale %1, zero point %2").arg(realText(scale)).arg(zero);
            row(item, PropertiesPanel::tr("Scheme"), PropertiesPanel::tr("per-tensor"));
            row(item, PropertiesPanel::tr("Scale"), realText(scale));
            row(item, PropertiesPanel::tr("Zero point"), QString::number(zero));
            break;
        }
        case Quantization::Scheme::PerChannel: {
            summary = PropertiesPanel::tr("per-channel: %1 scales, axis %2").arg(q.scales.size()).arg(q.axis);
            row(item, PropertiesPanel::tr("Scheme"), PropertiesPanel::tr("per-channel"));
            row(item, PropertiesPanel::tr("Channels"), QString::number(q.scales.size()));
            row(item, PropertiesPanel::tr("Axis"), QString::number(q.axis));
            if (!q.scales.empty()) {
                const auto [lo, hi] = std::minmax_element(q.scales.begin(), q.scales.end());
                row(item, PropertiesPanel::tr("Scale min"), realText(static_cast<double>(*lo)));
                row(item, PropertiesPanel::tr("Scale max"), realText(static_cast<double>(*hi)));
            }
            row(item, PropertiesPanel::tr("Zero points"), zeroPointsText());
            break;
        }
        case Quantization::Scheme::Blockwise: {
            summary = PropertiesPanel::tr("block-wise: block size %1").arg(q.blockSize);
            row(item, PropertiesPanel::tr("Scheme"), PropertiesPanel::tr("block-wise"));
            row(item, PropertiesPanel::tr("Block size"), QString::number(q.blockSize));
            for (const auto& [label, tensor] :
                { std::pair { PropertiesPanel::tr("Scales tensor"), q.blockScalesTensor },
                    std::pair { PropertiesPanel::tr("Zero points tensor"), q.blockZeroPointsTensor } }) {
                if (validTensor(tensor))
                    link(row(item, label, tensorAt(tensor).displayName(tensor)), LinkKind::Tensor, tensor);
                else
                    row(item, label, PropertiesPanel::tr("none"));
            }
            break;
        }
        case Quantization::Scheme::Custom:
            summary = PropertiesPanel::tr("custom (format-specific)");
            row(item, PropertiesPanel::tr("Scheme"), PropertiesPanel::tr("custom"));
            break;
        }
        if (!q.min.empty() && q.min.size() == q.max.size()) {
            if (q.min.size() == 1) {
                row(item, PropertiesPanel::tr("Range"),
                    QStringLiteral("%1 to %2")
                        .arg(realText(static_cast<double>(q.min.front())),
                            realText(static_cast<double>(q.max.front()))));
            } else {
                row(item, PropertiesPanel::tr("Range"),
                    PropertiesPanel::tr("%1 channels, %2 to %3")
                        .arg(q.min.size())
                        .arg(realText(static_cast<double>(*std::min_element(q.min.begin(), q.min.end()))),
                            realText(static_cast<double>(*std::max_element(q.max.begin(), q.max.end())))));
            }
        }
        item->setText(1, summary);
        item->setToolTip(1, summary);
        return item;
    }

    void writeMemory(int tensorIndex)
    {
        const Profiler::Tensor& t = tensorAt(tensorIndex);
        QTreeWidgetItem* m = section(PropertiesPanel::tr("Memory"));
        if (t.isConstant) {
            row(m, PropertiesPanel::tr("Placement"), PropertiesPanel::tr("constant (in flash)"));
            return;
        }
        if (t.isVariable) {
            row(m, PropertiesPanel::tr("Placement"), PropertiesPanel::tr("variable (persistent)"));
            return;
        }
        const Profiler::MemoryProblem& problem = m_doc.memory.problem;
        int buffer = -1;
        for (std::size_t b = 0; b < problem.buffers.size(); ++b) {
            const Profiler::MemoryBuffer& mb = problem.buffers[b];
            if (mb.kind == Profiler::MemoryBuffer::Kind::Tensor && mb.subgraph == m_subgraphIndex
                && mb.tensor == tensorIndex) {
                buffer = static_cast<int>(b);
                break;
            }
        }
        if (buffer < 0) {
            row(m, PropertiesPanel::tr("Placement"), PropertiesPanel::tr("not in the arena (no data to plan)"));
            return;
        }
        const Profiler::MemoryBuffer& mb = problem.buffers[static_cast<std::size_t>(buffer)];
        row(m, PropertiesPanel::tr("Placement"),
            mb.fixedOffset >= 0 ? PropertiesPanel::tr("arena head, offline-planned")
                                : PropertiesPanel::tr("arena head (TFLM plan)"));
        const auto& offsets = m_doc.memory.tflm.offsets;
        if (static_cast<std::size_t>(buffer) < offsets.size()) {
            const qint64 offset = offsets[static_cast<std::size_t>(buffer)];
            row(m, PropertiesPanel::tr("Arena offset"), formatCount(offset));
            row(m, PropertiesPanel::tr("Arena range"),
                PropertiesPanel::tr("%1 to %2 (%3 reserved)")
                    .arg(formatCount(offset), formatCount(offset + mb.size), bytesText(mb.size)));
        }
        if (mb.first < 0) {
            row(m, PropertiesPanel::tr("Lifetime"), PropertiesPanel::tr("never used: its subgraph never runs"));
            return;
        }
        row(m, PropertiesPanel::tr("Lifetime"), PropertiesPanel::tr("steps %1 to %2").arg(mb.first).arg(mb.last));
        row(m, PropertiesPanel::tr("First step"), stepText(mb.first));
        row(m, PropertiesPanel::tr("Last step"), stepText(mb.last));
    }

    QTreeWidget* m_tree;
    const Profiler::LatencyProfile* m_latency;
    const Profiler::ModelDocument& m_doc;
    int m_subgraphIndex;
    const Profiler::Subgraph& m_sg;
};

} // namespace

PropertiesPanel::PropertiesPanel(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_empty(new QLabel(tr("Select an operator or a tensor to see its properties."), this))
    , m_tree(new QTreeWidget(this))
{
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setMargin(12);

    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({ tr("Property"), tr("Value") });
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setTextElideMode(Qt::ElideRight); // converters put the telling part of a name first
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Interactive);

    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_tree);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_title);
    layout->addWidget(m_stack, 1);

    connect(m_tree, &QTreeWidget::itemClicked, this, &PropertiesPanel::followLink);
    showNothing();
}

void PropertiesPanel::setDocument(Profiler::ModelDocumentPtr document)
{
    m_document = std::move(document);
    if (m_hub && m_hub->op() >= 0)
        showOperator(m_hub->subgraph(), m_hub->op());
    else if (m_hub && m_hub->tensor() >= 0)
        showTensor(m_hub->subgraph(), m_hub->tensor());
    else
        showNothing();
}

void PropertiesPanel::setSelectionHub(SelectionHub* hub)
{
    if (m_hub)
        disconnect(m_hub, nullptr, this, nullptr);
    m_hub = hub;
    if (!hub)
        return;
    connect(hub, &SelectionHub::operatorSelected, this, &PropertiesPanel::showOperator);
    connect(hub, &SelectionHub::tensorSelected, this, &PropertiesPanel::showTensor);
    connect(hub, &SelectionHub::subgraphChanged, this, &PropertiesPanel::showNothing);
    setDocument(m_document);
}

bool PropertiesPanel::isShowingEmptyState() const
{
    return m_stack->currentWidget() == m_empty;
}

QString PropertiesPanel::title() const
{
    return m_title->text();
}

void PropertiesPanel::setLatency(Profiler::LatencyProfilePtr latency)
{
    m_latency = std::move(latency);
    refresh();
}

void PropertiesPanel::refresh()
{
    // Rebuilding the tree would scroll to the top and expand every section: remember both.
    const int scroll = m_tree->verticalScrollBar()->value();
    QSet<QString> collapsed;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_tree->topLevelItem(i);
        if (!item->isExpanded())
            collapsed.insert(item->text(0).section(QLatin1String(" ("), 0, 0));
    }
    switch (m_shown) {
    case Shown::Operator:
        showOperator(m_subgraph, m_shownIndex);
        break;
    case Shown::Tensor:
        showTensor(m_subgraph, m_shownIndex);
        break;
    case Shown::Nothing:
        showNothing();
        break;
    }
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_tree->topLevelItem(i);
        if (collapsed.contains(item->text(0).section(QLatin1String(" ("), 0, 0)))
            item->setExpanded(false);
    }
    m_tree->verticalScrollBar()->setValue(scroll);
}

void PropertiesPanel::showSession()
{
    TreeWriter::writeSession(m_tree, *m_latency);
    const Profiler::LatencyProfile& p = *m_latency;
    showTree(tr("Measured session \u00b7 %1").arg(p.boardName.isEmpty() ? p.source : p.boardName));
}

void PropertiesPanel::showNothing()
{
    m_shown = Shown::Nothing;
    m_shownIndex = -1;
    m_tree->clear();
    if (m_latency && m_document) {
        showSession();
        return;
    }
    m_title->clear();
    m_title->hide();
    m_stack->setCurrentWidget(m_empty);
}

void PropertiesPanel::showTree(const QString& title)
{
    m_title->setText(title);
    m_title->show();
    m_stack->setCurrentWidget(m_tree);
    m_tree->resizeColumnToContents(0);
    // Keep the value column in view when a property line (e.g. a long option key) is wide.
    m_tree->setColumnWidth(0, std::min(m_tree->columnWidth(0), std::max(120, m_tree->width() / 2)));
}

const Profiler::Subgraph* PropertiesPanel::subgraphAt(int subgraph) const
{
    if (!m_document || subgraph < 0 || static_cast<std::size_t>(subgraph) >= m_document->model.subgraphs.size()
        || static_cast<std::size_t>(subgraph) >= m_document->analyses.size())
        return nullptr;
    return &m_document->model.subgraphs[static_cast<std::size_t>(subgraph)];
}

void PropertiesPanel::showOperator(int subgraph, int op)
{
    const Profiler::Subgraph* sg = subgraphAt(subgraph);
    if (!sg || op < 0 || static_cast<std::size_t>(op) >= sg->operators.size()) {
        showNothing();
        return;
    }
    m_subgraph = subgraph;
    m_shown = Shown::Operator;
    m_shownIndex = op;
    m_tree->clear();
    TreeWriter(m_tree, *m_document, subgraph, m_latency.get()).writeOperator(op);
    showTree(tr("Operator %1 \u00b7 %2").arg(op).arg(sg->operators[static_cast<std::size_t>(op)].type));
}

void PropertiesPanel::showTensor(int subgraph, int tensor)
{
    const Profiler::Subgraph* sg = subgraphAt(subgraph);
    if (!sg || tensor < 0 || static_cast<std::size_t>(tensor) >= sg->tensors.size()) {
        showNothing();
        return;
    }
    m_subgraph = subgraph;
    m_shown = Shown::Tensor;
    m_shownIndex = tensor;
    m_tree->clear();
    TreeWriter(m_tree, *m_document, subgraph).writeTensor(tensor);
    const Profiler::Tensor& t = sg->tensors[static_cast<std::size_t>(tensor)];
    showTree(tr("Tensor %1 \u00b7 %2 %3").arg(tensor).arg(Profiler::dataTypeName(t.type), Profiler::shapeToString(t)));
}

void PropertiesPanel::followLink(QTreeWidgetItem* item)
{
    if (!item)
        return;
    const auto kind = static_cast<LinkKind>(item->data(0, LinkKindRole).toInt());
    const int index = item->data(0, LinkIndexRole).toInt();
    if (kind == LinkKind::None)
        return;
    // Following a link rebuilds the tree, which deletes the clicked item: leave the click handler first.
    QMetaObject::invokeMethod(
        this, [this, kind, index] { openLink(kind, index); }, Qt::QueuedConnection);
}

void PropertiesPanel::openLink(LinkKind kind, int index)
{
    switch (kind) {
    case LinkKind::None:
        return;
    case LinkKind::Operator:
        if (m_hub)
            m_hub->selectOperator(m_subgraph, index);
        else
            showOperator(m_subgraph, index);
        return;
    case LinkKind::Tensor:
        if (m_hub)
            m_hub->selectTensor(m_subgraph, index);
        else
            showTensor(m_subgraph, index);
        return;
    case LinkKind::Subgraph:
        if (m_hub)
            m_hub->selectSubgraph(index);
        return;
    }
}

} // namespace Widgets
