// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"
#include "latency/latency.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <cstdint>
#include <vector>

namespace Widgets {

/** `value` with the current locale's group separators, even where the locale omits them by default (C locale). */
QString formatCount(qint64 value);

/** One row per operator of one subgraph of a document, in execution order, followed by a totals row. */
class LayerTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Columns {
        IndexColumn,
        NameColumn,
        TypeColumn,
        OutputShapeColumn,
        ParamsColumn,
        MacsColumn,
        WeightBytesColumn,
        OutputBytesColumn,
        LiveBytesColumn,
        PeakShareColumn,
        SupportColumn,
        LatencyMsColumn, ///< median measured latency in ms (needs a tick rate)
        LatencyTicksColumn, ///< median measured latency in ticks
        LatencyShareColumn, ///< median as a share of the sum of medians
        CyclesPerMacColumn, ///< median CPU cycles per MAC (needs CPU and tick rates)
        ColumnCount
    };

    enum Roles {
        SortRole = Qt::UserRole + 1, ///< raw value: qint64 for numbers, double for shares and latencies (-1 where
                                     ///< there is none), QString for text
        ExportRole, ///< plain text for copying: numbers without separators, empty where there is no value
        OperatorRole, ///< operator index of the row; -1 for the totals row
        TotalsRowRole, ///< true on the totals row
    };

    explicit LayerTableModel(QObject* parent = nullptr);

    /** Shows `subgraph` of `document`; an out-of-range subgraph or a null document shows no rows. */
    void setDocument(Profiler::ModelDocumentPtr document, int subgraph = 0);
    Profiler::ModelDocumentPtr document() const { return m_document; }
    int subgraph() const { return m_subgraph; }

    /** Measured latency for the latency columns; nullptr (or a profile of another subgraph) empties them. Updates the
     *  cells in place (dataChanged), so sorting, selection and scrolling survive a new run. */
    void setLatency(Profiler::LatencyProfilePtr latency);
    Profiler::LatencyProfilePtr latency() const { return m_latency; }
    /** The profile shown in the latency columns, or nullptr when they are empty. */
    const Profiler::LatencyProfile* shownLatency() const;
    /** True when `column` is a latency column that has values now (ms needs a tick rate, cycles per MAC a CPU rate). */
    bool hasLatencyValues(int column) const;
    static bool isLatencyColumn(int column) { return column >= LatencyMsColumn && column <= CyclesPerMacColumn; }

    int operatorCount() const { return static_cast<int>(m_layers.size()); }
    /** Row of the totals line (the last one), -1 when the model shows nothing. */
    int totalsRow() const { return m_document ? operatorCount() : -1; }
    bool isTotalsRow(int row) const { return row >= 0 && row == totalsRow(); }
    /** Row of operator `op`: rows follow execution order. -1 when out of range. */
    int rowOfOperator(int op) const { return op >= 0 && op < operatorCount() ? op : -1; }

    /** Live arena bytes at the step of operator `op` (the largest if it runs at several steps); -1 if it never
     *  runs in a plain invocation of the model. */
    qint64 liveBytes(int op) const;
    /** Global timeline step at which `op` has liveBytes(); -1 if none. */
    int liveStep(int op) const;

    /** The SortRole value of an operator row's integer column (index, params, MACs, weight, output and live bytes)
     *  without a QVariant, for sorting 50,000 rows quickly; false for the totals row and other columns. */
    bool integerSortKey(int row, int column, qint64* key) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        const Profiler::LayerInfo* layer = nullptr;
        QString name; ///< the layer name, or the output tensor's display name when the file has none
        QString outputShape;
        qint64 liveBytes = -1;
        int liveStep = -1;
    };

    QVariant operatorData(const Row& row, int column, int role) const;
    QVariant totalsData(int column, int role) const;
    QVariant sortValue(const Row& row, int column) const;
    QVariant totalsSortValue(int column) const;
    double peakShare(qint64 bytes) const;
    /** Display and export text of a cell from its sort value; `liveBytes` of the row, -1 if it never runs. */
    QString displayText(int column, const QVariant& sortValue, qint64 liveBytes) const;
    QString exportText(int column, const QVariant& sortValue, qint64 liveBytes) const;
    const Profiler::LayerLatency* layerLatency(int op) const;
    QVariant latencyValue(const Profiler::LayerLatency* layer, int column) const;
    QVariant totalsLatencyValue(int column) const;
    QString latencyDisplay(int column, double value) const;
    QString latencyExport(int column, double value) const;
    QString latencyToolTip(int op) const;

    Profiler::ModelDocumentPtr m_document;
    int m_subgraph = 0;
    std::vector<Row> m_layers;
    qint64 m_maxLiveBytes = -1;
    qint64 m_outputBytesSum = 0;
    Profiler::LatencyProfilePtr m_latency;
};

/** Sorts a LayerTableModel by its SortRole with the totals row always last, and filters by text and support. */
class LayerTableProxy : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit LayerTableProxy(QObject* parent = nullptr);

    /** Keeps operators whose name or type contains `text` (case-insensitive); empty keeps all. */
    void setFilterText(const QString& text);
    QString filterText() const { return m_filterText; }

    /** Keeps only operators the runtime does not support. */
    void setUnsupportedOnly(bool only);
    bool unsupportedOnly() const { return m_unsupportedOnly; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QString m_filterText;
    bool m_unsupportedOnly = false;
};

} // namespace Widgets
