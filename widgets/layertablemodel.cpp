// SPDX-License-Identifier: GPL-3.0-or-later
#include "layertablemodel.h"

#include "categorycolors.h"
#include "heatscale.h"

#include <QBrush>
#include <QFont>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Widgets {

using Profiler::SupportStatus;

namespace {

bool isNumberColumn(int column)
{
    switch (column) {
    case LayerTableModel::IndexColumn:
    case LayerTableModel::ParamsColumn:
    case LayerTableModel::MacsColumn:
    case LayerTableModel::WeightBytesColumn:
    case LayerTableModel::OutputBytesColumn:
    case LayerTableModel::LiveBytesColumn:
    case LayerTableModel::PeakShareColumn:
    case LayerTableModel::LatencyMsColumn:
    case LayerTableModel::LatencyTicksColumn:
    case LayerTableModel::LatencyShareColumn:
    case LayerTableModel::CyclesPerMacColumn:
        return true;
    default:
        return false;
    }
}

/** Qt::TextAlignmentRole of a column, in the cells and in the header: numbers right, text left. */
QVariant columnAlignment(int column)
{
    return QVariant::fromValue(
        Qt::Alignment((isNumberColumn(column) ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
}

QColor unsupportedColor()
{
    return paletteIsDark() ? QColor(255, 128, 128) : QColor(180, 20, 30);
}

QColor unknownSupportColor()
{
    return paletteIsDark() ? QColor(240, 190, 100) : QColor(150, 95, 0);
}

QString exportShare(double share)
{
    return QString::number(share * 100.0, 'f', 1);
}

QString noValue()
{
    return QString(QChar(0x2013)); // en dash
}

QString outputShapes(const Profiler::Subgraph& sg, const Profiler::Operator& op)
{
    QStringList shapes;
    for (int t : op.outputs) {
        if (t >= 0 && static_cast<std::size_t>(t) < sg.tensors.size())
            shapes << Profiler::shapeToString(sg.tensors[static_cast<std::size_t>(t)]);
    }
    return shapes.join(QStringLiteral(", "));
}

} // namespace

QString formatCount(qint64 value)
{
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale.toString(value);
}

// ---------------------------------------------------------------------------------------------------------------------

LayerTableModel::LayerTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void LayerTableModel::setDocument(Profiler::ModelDocumentPtr document, int subgraph)
{
    beginResetModel();
    m_document = std::move(document);
    m_subgraph = subgraph;
    m_layers.clear();
    m_maxLiveBytes = -1;
    m_outputBytesSum = 0;
    if (m_document
        && (subgraph < 0 || static_cast<std::size_t>(subgraph) >= m_document->model.subgraphs.size()
            || static_cast<std::size_t>(subgraph) >= m_document->analyses.size()))
        m_document.reset();
    if (m_document) {
        const Profiler::Subgraph& sg = m_document->model.subgraphs[static_cast<std::size_t>(subgraph)];
        const Profiler::ModelAnalysis& analysis = m_document->analyses[static_cast<std::size_t>(subgraph)];
        m_layers.resize(analysis.layers.size());
        for (std::size_t i = 0; i < analysis.layers.size(); ++i) {
            Row& row = m_layers[i];
            row.layer = &analysis.layers[i];
            row.name = row.layer->name;
            if (i < sg.operators.size()) {
                const Profiler::Operator& op = sg.operators[i];
                row.outputShape = outputShapes(sg, op);
                if (row.name.isEmpty() && !op.outputs.empty() && op.outputs[0] >= 0
                    && static_cast<std::size_t>(op.outputs[0]) < sg.tensors.size())
                    row.name = sg.tensors[static_cast<std::size_t>(op.outputs[0])].displayName(op.outputs[0]);
            }
            m_outputBytesSum += row.layer->outputBytes;
        }
        // Map steps to operators through the steps' own (subgraph, op): a called subgraph runs inside its caller's
        // step range, and a subgraph may run at several steps or not at all.
        for (const Profiler::TimelineStep& step : m_document->memory.timeline.steps) {
            if (step.subgraph != subgraph || step.op < 0 || static_cast<std::size_t>(step.op) >= m_layers.size())
                continue;
            Row& row = m_layers[static_cast<std::size_t>(step.op)];
            if (step.liveBytes > row.liveBytes) {
                row.liveBytes = step.liveBytes;
                row.liveStep = step.step;
            }
            m_maxLiveBytes = std::max<qint64>(m_maxLiveBytes, step.liveBytes);
        }
    }
    endResetModel();
}

qint64 LayerTableModel::liveBytes(int op) const
{
    return rowOfOperator(op) >= 0 ? m_layers[static_cast<std::size_t>(op)].liveBytes : -1;
}

int LayerTableModel::liveStep(int op) const
{
    return rowOfOperator(op) >= 0 ? m_layers[static_cast<std::size_t>(op)].liveStep : -1;
}

int LayerTableModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_document)
        return 0;
    return operatorCount() + 1;
}

int LayerTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

double LayerTableModel::peakShare(qint64 bytes) const
{
    const qint64 peak = m_document ? m_document->memory.timeline.peakBytes : 0;
    return peak > 0 && bytes >= 0 ? static_cast<double>(bytes) / static_cast<double>(peak) : -1.0;
}

QString LayerTableModel::displayText(int column, const QVariant& sortValue, qint64 liveBytes) const
{
    switch (column) {
    case ParamsColumn:
    case MacsColumn:
    case WeightBytesColumn:
    case OutputBytesColumn:
        return formatCount(sortValue.toLongLong());
    case LiveBytesColumn:
        return liveBytes < 0 ? noValue() : formatCount(liveBytes);
    case PeakShareColumn: {
        const double share = peakShare(liveBytes);
        return share < 0 ? noValue() : formatShare(share);
    }
    default:
        return sortValue.toString();
    }
}

QString LayerTableModel::exportText(int column, const QVariant& sortValue, qint64 liveBytes) const
{
    if ((column == LiveBytesColumn || column == PeakShareColumn) && liveBytes < 0)
        return QString();
    if (column == PeakShareColumn)
        return peakShare(liveBytes) < 0 ? QString() : exportShare(peakShare(liveBytes));
    return sortValue.toString();
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int column = index.column();
    if (role == Qt::TextAlignmentRole)
        return columnAlignment(column);
    if (isTotalsRow(index.row())) {
        if (role == OperatorRole)
            return -1;
        if (role == TotalsRowRole)
            return true;
        return totalsData(column, role);
    }
    const Row& row = m_layers[static_cast<std::size_t>(index.row())];
    if (role == OperatorRole)
        return index.row();
    if (role == TotalsRowRole)
        return false;
    return operatorData(row, column, role);
}

QVariant LayerTableModel::sortValue(const Row& row, int column) const
{
    const Profiler::LayerInfo& l = *row.layer;
    switch (column) {
    case IndexColumn:
        return qint64(l.index);
    case NameColumn:
        return row.name;
    case TypeColumn:
        return l.type;
    case OutputShapeColumn:
        return row.outputShape;
    case ParamsColumn:
        return qint64(l.params);
    case MacsColumn:
        return qint64(l.macs);
    case WeightBytesColumn:
        return qint64(l.weightBytes);
    case OutputBytesColumn:
        return qint64(l.outputBytes);
    case LiveBytesColumn:
        return row.liveBytes;
    case PeakShareColumn:
        return peakShare(row.liveBytes);
    case SupportColumn:
        return Profiler::supportStatusName(l.support.status);
    default:
        return {};
    }
}

bool LayerTableModel::integerSortKey(int row, int column, qint64* key) const
{
    if (row < 0 || row >= operatorCount())
        return false;
    const Row& r = m_layers[static_cast<std::size_t>(row)];
    const Profiler::LayerInfo& l = *r.layer;
    switch (column) {
    case IndexColumn:
        *key = static_cast<qint64>(l.index);
        return true;
    case ParamsColumn:
        *key = static_cast<qint64>(l.params);
        return true;
    case MacsColumn:
        *key = static_cast<qint64>(l.macs);
        return true;
    case WeightBytesColumn:
        *key = static_cast<qint64>(l.weightBytes);
        return true;
    case OutputBytesColumn:
        *key = static_cast<qint64>(l.outputBytes);
        return true;
    case LiveBytesColumn:
        *key = r.liveBytes;
        return true;
    default:
        return false;
    }
}

QVariant LayerTableModel::operatorData(const Row& row, int column, int role) const
{
    const Profiler::LayerInfo& l = *row.layer;
    if (isLatencyColumn(column)) {
        const QVariant value = latencyValue(layerLatency(l.index), column);
        switch (role) {
        case SortRole:
            return value;
        case Qt::DisplayRole:
            return latencyDisplay(column, value.toDouble());
        case ExportRole:
            return latencyExport(column, value.toDouble());
        case Qt::ToolTipRole:
            return latencyToolTip(l.index);
        default:
            return {};
        }
    }
    switch (role) {
    case SortRole:
        return sortValue(row, column);
    case ExportRole:
        return exportText(column, sortValue(row, column), row.liveBytes);
    case Qt::DisplayRole:
        return displayText(column, sortValue(row, column), row.liveBytes);
    case Qt::ToolTipRole:
        switch (column) {
        case NameColumn:
            return row.name;
        case TypeColumn:
            return tr("%1 (%2)").arg(l.type, categoryLabel(l.category));
        case LiveBytesColumn:
        case PeakShareColumn:
            if (row.liveBytes < 0)
                return tr("This operator does not run in a plain invocation of the model (its subgraph is never "
                          "called from the main graph).");
            return tr("%1 bytes of the arena are live at step %2 (the model's peak is %3 bytes)")
                .arg(formatCount(row.liveBytes), QString::number(row.liveStep),
                    formatCount(m_document->memory.timeline.peakBytes));
        case SupportColumn:
            switch (l.support.status) {
            case SupportStatus::Supported:
                return tr("TFLM's reference kernels support this operator");
            case SupportStatus::Unsupported:
                return l.support.reason.isEmpty() ? tr("Not supported by TFLM's reference kernels") : l.support.reason;
            case SupportStatus::Unknown:
                return l.support.reason.isEmpty() ? tr("No support data for this operator") : l.support.reason;
            }
            return {};
        default:
            if (l.support.status == SupportStatus::Unsupported && !l.support.reason.isEmpty())
                return l.support.reason;
            return {};
        }
    case Qt::BackgroundRole:
        if (column == TypeColumn)
            return QBrush(categoryColor(l.category, paletteIsDark()));
        return {};
    case Qt::ForegroundRole:
        if (l.support.status == SupportStatus::Unsupported && column != TypeColumn)
            return QBrush(unsupportedColor());
        if (l.support.status == SupportStatus::Unknown && column == SupportColumn)
            return QBrush(unknownSupportColor());
        return {};
    default:
        return {};
    }
}

QVariant LayerTableModel::totalsSortValue(int column) const
{
    const Profiler::ModelSummary& s = m_document->analyses[static_cast<std::size_t>(m_subgraph)].summary;
    switch (column) {
    case IndexColumn:
        return qint64(operatorCount());
    case NameColumn:
        return tr("Total");
    case TypeColumn:
        return operatorCount() == 1 ? tr("1 operator") : tr("%1 operators").arg(operatorCount());
    case OutputShapeColumn:
        return QString();
    case ParamsColumn:
        return qint64(s.params);
    case MacsColumn:
        return qint64(s.macs);
    case WeightBytesColumn:
        return qint64(s.weightBytes);
    case OutputBytesColumn:
        return m_outputBytesSum;
    case LiveBytesColumn:
        return m_maxLiveBytes;
    case PeakShareColumn:
        return peakShare(m_maxLiveBytes);
    case SupportColumn:
        return s.unsupportedOperators == 0 ? tr("all supported") : tr("%1 unsupported").arg(s.unsupportedOperators);
    default:
        return {};
    }
}

QVariant LayerTableModel::totalsData(int column, int role) const
{
    if (isLatencyColumn(column) && role != Qt::FontRole) {
        const QVariant value = totalsLatencyValue(column);
        switch (role) {
        case SortRole:
            return value;
        case Qt::DisplayRole:
            return latencyDisplay(column, value.toDouble());
        case ExportRole:
            return latencyExport(column, value.toDouble());
        case Qt::ToolTipRole:
            if (const Profiler::LatencyProfile* p = shownLatency()) {
                return tr("Sum of the medians of %1 measured operators; whole runs took %2 (median, %3)")
                    .arg(p->measuredLayers())
                    .arg(std::isnan(p->runTotalMedianTicks) ? tr("unknown") : formatLatency(*p, p->runTotalMedianTicks),
                        runsSummary(*p));
            }
            return {};
        default:
            return {};
        }
    }
    switch (role) {
    case SortRole:
        return totalsSortValue(column);
    case ExportRole:
    case Qt::DisplayRole:
        // The index column sorts the totals row by its operator count, which is no index: no text.
        if (column == IndexColumn)
            return QString();
        return role == ExportRole ? exportText(column, totalsSortValue(column), m_maxLiveBytes)
                                  : displayText(column, totalsSortValue(column), m_maxLiveBytes);
    case Qt::ToolTipRole:
        switch (column) {
        case ParamsColumn:
        case WeightBytesColumn:
            return tr("Each constant tensor counted once, even when several operators share it");
        case OutputBytesColumn:
            return tr("Sum of the activations all operators produce");
        case LiveBytesColumn:
        case PeakShareColumn:
            return tr("Largest live arena bytes at any step of this subgraph");
        default:
            return tr("Totals of subgraph %1").arg(m_subgraph);
        }
    case Qt::FontRole: {
        QFont font;
        font.setBold(true);
        return font;
    }
    default:
        return {};
    }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case IndexColumn:
            return tr("#");
        case NameColumn:
            return tr("Name");
        case TypeColumn:
            return tr("Type");
        case OutputShapeColumn:
            return tr("Output shape");
        case ParamsColumn:
            return tr("Params");
        case MacsColumn:
            return tr("MACs");
        case WeightBytesColumn:
            return tr("Weight bytes");
        case OutputBytesColumn:
            return tr("Output bytes");
        case LiveBytesColumn:
            return tr("Live bytes");
        case PeakShareColumn:
            return tr("% of peak");
        case SupportColumn:
            return tr("TFLM");
        case LatencyMsColumn:
            return tr("Latency (ms)");
        case LatencyTicksColumn:
            return tr("Latency (ticks)");
        case LatencyShareColumn:
            return tr("% of time");
        case CyclesPerMacColumn:
            return tr("Cycles/MAC");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case IndexColumn:
            return tr("Execution order within the subgraph");
        case NameColumn:
            return tr("Name of the operator's first output tensor");
        case ParamsColumn:
            return tr("Elements of the constant tensors the operator reads");
        case MacsColumn:
            return tr("Multiply-accumulates of one invocation");
        case WeightBytesColumn:
            return tr("Bytes of the constant tensors as stored in the file");
        case OutputBytesColumn:
            return tr("Bytes of the activations the operator produces");
        case LiveBytesColumn:
            return tr("Arena bytes live while the operator runs (TFLM's lifetimes)");
        case PeakShareColumn:
            return tr("Live bytes as a share of the model's peak");
        case SupportColumn:
            return tr("Support by TensorFlow Lite Micro's reference kernels");
        case LatencyMsColumn:
        case LatencyTicksColumn:
            return tr("Median measured latency over the runs (the warm-up run excluded)");
        case LatencyShareColumn:
            return tr("The median as a share of the sum of all medians");
        case CyclesPerMacColumn:
            return tr("Median CPU cycles per multiply-accumulate: how efficient the kernel is");
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole)
        return columnAlignment(section);
    return {};
}

// Latency -------------------------------------------------------------------------------------------------------------

void LayerTableModel::setLatency(Profiler::LatencyProfilePtr latency)
{
    m_latency = std::move(latency);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, LatencyMsColumn), index(rowCount() - 1, CyclesPerMacColumn));
    Q_EMIT headerDataChanged(Qt::Horizontal, LatencyMsColumn, CyclesPerMacColumn);
}

const Profiler::LatencyProfile* LayerTableModel::shownLatency() const
{
    const Profiler::LatencyProfile* p = m_latency.get();
    return p && m_document && p->subgraph == m_subgraph ? p : nullptr;
}

bool LayerTableModel::hasLatencyValues(int column) const
{
    const Profiler::LatencyProfile* p = shownLatency();
    if (!p || !isLatencyColumn(column))
        return false;
    if (column == LatencyMsColumn)
        return p->hasTime();
    if (column == CyclesPerMacColumn)
        return p->hasTime() && p->cpuHz > 0;
    return true;
}

const Profiler::LayerLatency* LayerTableModel::layerLatency(int op) const
{
    const Profiler::LatencyProfile* p = shownLatency();
    if (!p || op < 0 || static_cast<std::size_t>(op) >= p->layers.size())
        return nullptr;
    const Profiler::LayerLatency& l = p->layers[static_cast<std::size_t>(op)];
    return l.measured() ? &l : nullptr;
}

QVariant LayerTableModel::latencyValue(const Profiler::LayerLatency* layer, int column) const
{
    // -1 where there is no value, like the peak share: sorts below every measured value.
    const Profiler::LatencyProfile* p = shownLatency();
    double v = std::numeric_limits<double>::quiet_NaN();
    if (layer && p) {
        switch (column) {
        case LatencyMsColumn:
            v = p->ticksToMs(layer->medianTicks);
            break;
        case LatencyTicksColumn:
            v = layer->medianTicks;
            break;
        case LatencyShareColumn:
            v = layer->share;
            break;
        case CyclesPerMacColumn:
            v = layer->cyclesPerMac;
            break;
        default:
            break;
        }
    }
    return std::isnan(v) ? -1.0 : v;
}

QVariant LayerTableModel::totalsLatencyValue(int column) const
{
    const Profiler::LatencyProfile* p = shownLatency();
    if (!p || p->measuredLayers() == 0)
        return -1.0;
    switch (column) {
    case LatencyMsColumn:
        return p->hasTime() ? p->ticksToMs(p->totalMedianTicks) : -1.0;
    case LatencyTicksColumn:
        return p->totalMedianTicks;
    case LatencyShareColumn: {
        double sum = 0;
        for (const Profiler::LayerLatency& l : p->layers)
            sum += l.measured() ? l.share : 0.0;
        return sum;
    }
    case CyclesPerMacColumn: {
        // Cycles over MACs of the layers that have both: the model's overall efficiency.
        double cycles = 0;
        double macs = 0;
        for (std::size_t i = 0; i < p->layers.size() && i < m_layers.size(); ++i) {
            const Profiler::LayerLatency& l = p->layers[i];
            if (!l.measured() || std::isnan(l.cyclesPerMac) || m_layers[i].layer->macs <= 0)
                continue;
            const double layerMacs = static_cast<double>(m_layers[i].layer->macs);
            cycles += l.cyclesPerMac * layerMacs;
            macs += layerMacs;
        }
        return macs > 0 ? cycles / macs : -1.0;
    }
    default:
        return -1.0;
    }
}

QString LayerTableModel::latencyDisplay(int column, double value) const
{
    if (value < 0)
        return QString();
    switch (column) {
    case LatencyMsColumn:
        return formatMilliseconds(value);
    case LatencyTicksColumn:
        return formatTicks(value);
    case LatencyShareColumn:
        return formatShare(value);
    case CyclesPerMacColumn:
        return formatCyclesPerMac(value);
    default:
        return QString();
    }
}

QString LayerTableModel::latencyExport(int column, double value) const
{
    if (value < 0)
        return QString();
    switch (column) {
    case LatencyMsColumn:
        return QString::number(value, 'f', 6);
    case LatencyTicksColumn:
        return QString::number(value, 'f', value == std::floor(value) ? 0 : 1);
    case LatencyShareColumn:
        return QString::number(value * 100.0, 'f', 2);
    case CyclesPerMacColumn:
        return QString::number(value, 'f', 4);
    default:
        return QString();
    }
}

QString LayerTableModel::latencyToolTip(int op) const
{
    const Profiler::LatencyProfile* p = shownLatency();
    if (!p)
        return {};
    const Profiler::LayerLatency* l = op >= 0 && static_cast<std::size_t>(op) < p->layers.size()
        ? &p->layers[static_cast<std::size_t>(op)]
        : nullptr;
    if (!l || !l->measured()) {
        return l && l->rejected > 0 ? tr("Not measured: all %1 samples were rejected").arg(l->rejected)
                                    : tr("Not measured in %1").arg(runsSummary(*p));
    }
    QString text
        = tr("median %1\nmean %2\nmin %3\nmax %4\nstd. dev. %5\n%6 samples")
              .arg(formatLatency(*p, l->medianTicks), formatLatency(*p, l->meanTicks), formatLatency(*p, l->minTicks),
                  formatLatency(*p, l->maxTicks), formatLatency(*p, l->stddevTicks))
              .arg(l->samples);
    if (l->rejected > 0)
        text += tr(", %1 rejected").arg(l->rejected);
    if (l->warmupTicks)
        text += tr("\nwarm-up run %1").arg(formatLatency(*p, *l->warmupTicks));
    return text;
}

// ---------------------------------------------------------------------------------------------------------------------

LayerTableProxy::LayerTableProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(LayerTableModel::SortRole);
}

void LayerTableProxy::setFilterText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_filterText)
        return;
    m_filterText = trimmed;
    invalidateRowsFilter();
}

void LayerTableProxy::setUnsupportedOnly(bool only)
{
    if (only == m_unsupportedOnly)
        return;
    m_unsupportedOnly = only;
    invalidateRowsFilter();
}

bool LayerTableProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* source = sourceModel();
    if (source->index(sourceRow, 0, sourceParent).data(LayerTableModel::TotalsRowRole).toBool())
        return true;
    if (m_unsupportedOnly) {
        const QString support = source->index(sourceRow, LayerTableModel::SupportColumn, sourceParent)
                                    .data(LayerTableModel::SortRole)
                                    .toString();
        if (support != Profiler::supportStatusName(SupportStatus::Unsupported))
            return false;
    }
    if (m_filterText.isEmpty())
        return true;
    for (int column : { int(LayerTableModel::NameColumn), int(LayerTableModel::TypeColumn) }) {
        if (source->index(sourceRow, column, sourceParent)
                .data(LayerTableModel::SortRole)
                .toString()
                .contains(m_filterText, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool LayerTableProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    // Descending sorts call lessThan(right, left); the totals row must compare so that it ends up last either way.
    // A LayerTableModel answers without QVariants: sorting its 50,000 rows happens whenever a model is shown.
    const auto* table = qobject_cast<const LayerTableModel*>(sourceModel());
    const bool leftTotals = table ? table->isTotalsRow(left.row()) : left.data(LayerTableModel::TotalsRowRole).toBool();
    const bool rightTotals
        = table ? table->isTotalsRow(right.row()) : right.data(LayerTableModel::TotalsRowRole).toBool();
    if (leftTotals || rightTotals) {
        if (leftTotals == rightTotals)
            return false;
        return leftTotals ? sortOrder() == Qt::DescendingOrder : sortOrder() == Qt::AscendingOrder;
    }
    qint64 leftKey = 0;
    qint64 rightKey = 0;
    if (table && sortRole() == LayerTableModel::SortRole && table->integerSortKey(left.row(), left.column(), &leftKey)
        && table->integerSortKey(right.row(), right.column(), &rightKey)) {
        if (leftKey != rightKey)
            return leftKey < rightKey;
        return sortOrder() == Qt::AscendingOrder ? left.row() < right.row() : left.row() > right.row();
    }
    const QVariant l = left.data(sortRole());
    const QVariant r = right.data(sortRole());
    int order = 0;
    if (l.typeId() == QMetaType::QString && r.typeId() == QMetaType::QString) {
        order = QString::compare(l.toString(), r.toString(), Qt::CaseInsensitive);
    } else {
        const QPartialOrdering c = QVariant::compare(l, r);
        order = c == QPartialOrdering::Less ? -1 : c == QPartialOrdering::Greater ? 1 : 0;
    }
    if (order != 0)
        return order < 0;
    // Ties keep execution order in both directions, so equal rows never jump around between sorts.
    return sortOrder() == Qt::AscendingOrder ? left.row() < right.row() : left.row() > right.row();
}

} // namespace Widgets
