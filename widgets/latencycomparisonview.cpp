// SPDX-License-Identifier: GPL-3.0-or-later
#include "latencycomparisonview.h"

#include "categorycolors.h"
#include "heatscale.h"

#include <QAbstractTableModel>
#include <QBrush>
#include <QFont>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>

namespace Widgets {

namespace {

// Differences within this fraction of A are noise, not "faster" or "slower".
constexpr double kSameWithin = 0.01;

/** Colours of "B is faster" and "B is slower": blue and vermillion, told apart with any common colour vision. */
QColor fasterColor()
{
    return paletteIsDark() ? QColor(0x6c, 0xb4, 0xf0) : QColor(0x00, 0x5f, 0xa8);
}

QColor slowerColor()
{
    return paletteIsDark() ? QColor(0xff, 0x94, 0x5e) : QColor(0xc0, 0x45, 0x00);
}

QString noValue()
{
    return QString(QChar(0x2013));
}

} // namespace

/** The rows of a comparison in execution order, then a totals row. */
class LatencyComparisonModel final : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    struct Row
    {
        int op = -1;
        QString name;
        QString type;
        double a = std::nan("");
        double b = std::nan("");
        double delta = std::nan("");
        double ratio = std::nan("");
    };

    void reset(std::vector<Row> rows, Row totals, bool inMs, const QString& labelA, const QString& labelB)
    {
        beginResetModel();
        m_rows = std::move(rows);
        m_totals = std::move(totals);
        m_inMs = inMs;
        m_labelA = labelA;
        m_labelB = labelB;
        m_hasTotals = true;
        endResetModel();
    }

    void clear()
    {
        beginResetModel();
        m_rows.clear();
        m_hasTotals = false;
        endResetModel();
    }

    int rowCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() || !m_hasTotals ? 0 : static_cast<int>(m_rows.size()) + 1;
    }
    int columnCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : LatencyComparisonView::ColumnCount;
    }

    QVariant data(const QModelIndex& index, int role) const override
    {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
            return {};
        const bool totals = index.row() == static_cast<int>(m_rows.size());
        const Row& row = totals ? m_totals : m_rows[static_cast<std::size_t>(index.row())];
        const int column = index.column();
        switch (role) {
        case LatencyComparisonView::SortRole:
            return sortValue(row, column);
        case LatencyComparisonView::OperatorRole:
            return totals ? -1 : row.op;
        case LatencyComparisonView::TotalsRowRole:
            return totals;
        case Qt::DisplayRole:
            if (totals && column == LatencyComparisonView::IndexColumn)
                return QString();
            return displayText(row, column);
        case Qt::TextAlignmentRole:
            return QVariant::fromValue(Qt::Alignment(
                (column == LatencyComparisonView::NameColumn || column == LatencyComparisonView::TypeColumn
                        ? Qt::AlignLeft
                        : Qt::AlignRight)
                | Qt::AlignVCenter));
        case Qt::ForegroundRole:
            if (column == LatencyComparisonView::DeltaColumn || column == LatencyComparisonView::RatioColumn
                || column == LatencyComparisonView::BColumn) {
                if (std::isnan(row.ratio) || std::abs(row.ratio - 1.0) <= kSameWithin)
                    return {};
                return QBrush(row.ratio < 1.0 ? fasterColor() : slowerColor());
            }
            return {};
        case Qt::FontRole:
            if (totals) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        case Qt::ToolTipRole:
            if (std::isnan(row.ratio))
                return totals ? QVariant() : QVariant(LatencyComparisonView::tr("Not measured in both sessions"));
            if (std::abs(row.ratio - 1.0) <= kSameWithin)
                return LatencyComparisonView::tr("%1 and %2 agree within 1 %").arg(m_labelA, m_labelB);
            return row.ratio < 1.0
                ? LatencyComparisonView::tr("%1 is %2 % faster than %3")
                      .arg(m_labelB, QLocale().toString((1.0 - row.ratio) * 100.0, 'f', 1), m_labelA)
                : LatencyComparisonView::tr("%1 is %2 % slower than %3")
                      .arg(m_labelB, QLocale().toString((row.ratio - 1.0) * 100.0, 'f', 1), m_labelA);
        default:
            return {};
        }
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation != Qt::Horizontal)
            return {};
        const QString unit = m_inMs ? QStringLiteral("ms") : QStringLiteral("ticks");
        if (role == Qt::DisplayRole) {
            switch (section) {
            case LatencyComparisonView::IndexColumn:
                return QStringLiteral("#");
            case LatencyComparisonView::NameColumn:
                return LatencyComparisonView::tr("Layer");
            case LatencyComparisonView::TypeColumn:
                return LatencyComparisonView::tr("Type");
            case LatencyComparisonView::AColumn:
                return QStringLiteral("%1 (%2)").arg(m_labelA, unit);
            case LatencyComparisonView::BColumn:
                return QStringLiteral("%1 (%2)").arg(m_labelB, unit);
            case LatencyComparisonView::DeltaColumn:
                return LatencyComparisonView::tr("Difference (%1)").arg(unit);
            case LatencyComparisonView::RatioColumn:
                return LatencyComparisonView::tr("Ratio");
            default:
                return {};
            }
        }
        if (role == Qt::ToolTipRole) {
            switch (section) {
            case LatencyComparisonView::AColumn:
            case LatencyComparisonView::BColumn:
                return LatencyComparisonView::tr("Median latency over the session's runs");
            case LatencyComparisonView::DeltaColumn:
                return LatencyComparisonView::tr("%1 minus %2: negative where %1 is faster").arg(m_labelB, m_labelA);
            case LatencyComparisonView::RatioColumn:
                return LatencyComparisonView::tr("%1 divided by %2: below 1 where %1 is faster")
                    .arg(m_labelB, m_labelA);
            default:
                return {};
            }
        }
        return {};
    }

private:
    QVariant sortValue(const Row& row, int column) const
    {
        switch (column) {
        case LatencyComparisonView::IndexColumn:
            return row.op < 0 ? static_cast<double>(m_rows.size()) : static_cast<double>(row.op);
        case LatencyComparisonView::NameColumn:
            return row.name;
        case LatencyComparisonView::TypeColumn:
            return row.type;
        case LatencyComparisonView::AColumn:
            return row.a;
        case LatencyComparisonView::BColumn:
            return row.b;
        case LatencyComparisonView::DeltaColumn:
            return row.delta;
        case LatencyComparisonView::RatioColumn:
            return row.ratio;
        default:
            return {};
        }
    }

    QString value(double v, bool sign) const
    {
        if (std::isnan(v))
            return noValue();
        QString text = m_inMs ? formatMilliseconds(v) : formatTicks(v);
        if (sign && v > 0)
            text.prepend(QLatin1Char('+'));
        else if (sign && v < 0)
            text.replace(0, 1, QChar(0x2212)); // a real minus sign, as wide as the plus
        return text;
    }

    QString displayText(const Row& row, int column) const
    {
        switch (column) {
        case LatencyComparisonView::IndexColumn:
            return QString::number(row.op);
        case LatencyComparisonView::NameColumn:
            return row.name;
        case LatencyComparisonView::TypeColumn:
            return row.type;
        case LatencyComparisonView::AColumn:
            return value(row.a, false);
        case LatencyComparisonView::BColumn:
            return value(row.b, false);
        case LatencyComparisonView::DeltaColumn:
            return value(row.delta, true);
        case LatencyComparisonView::RatioColumn:
            return std::isnan(row.ratio) ? noValue() : QLocale().toString(row.ratio, 'f', 2) + QChar(0x00D7);
        default:
            return {};
        }
    }

    std::vector<Row> m_rows;
    Row m_totals;
    bool m_inMs = false;
    bool m_hasTotals = false;
    QString m_labelA;
    QString m_labelB;
};

namespace {

/** Sorts by the raw values; the totals row stays last in both directions and NaN (not measured) sorts last too. */
class ComparisonProxy final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override
    {
        const bool asc = sortOrder() == Qt::AscendingOrder;
        const bool lt = left.data(LatencyComparisonView::TotalsRowRole).toBool();
        const bool rt = right.data(LatencyComparisonView::TotalsRowRole).toBool();
        if (lt || rt)
            return lt == rt ? false : (lt ? !asc : asc);
        const QVariant l = left.data(LatencyComparisonView::SortRole);
        const QVariant r = right.data(LatencyComparisonView::SortRole);
        if (l.typeId() == QMetaType::QString)
            return QString::compare(l.toString(), r.toString(), Qt::CaseInsensitive) < 0;
        const double a = l.toDouble();
        const double b = r.toDouble();
        if (std::isnan(a) || std::isnan(b)) {
            if (std::isnan(a) && std::isnan(b))
                return asc ? left.row() < right.row() : left.row() > right.row();
            return std::isnan(a) ? !asc : asc;
        }
        if (a != b)
            return a < b;
        return asc ? left.row() < right.row() : left.row() > right.row();
    }
};

} // namespace

LatencyComparisonView::LatencyComparisonView(QWidget* parent)
    : QWidget(parent)
    , m_model(new LatencyComparisonModel(this))
    , m_proxy(new ComparisonProxy(this))
    , m_table(new QTableView(this))
    , m_summary(new QLabel(this))
    , m_warnings(new QLabel(this))
{
    m_proxy->setSourceModel(m_model);
    m_table->setModel(m_proxy);
    m_table->setObjectName(QStringLiteral("latencyComparisonTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(IndexColumn, Qt::AscendingOrder);

    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warnings->setWordWrap(true);
    m_warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warnings->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_summary);
    layout->addWidget(m_warnings);
    layout->addWidget(m_table, 1);

    connect(m_table, &QTableView::clicked, this, [this](const QModelIndex& index) {
        const int op = index.data(OperatorRole).toInt();
        if (op >= 0)
            Q_EMIT operatorClicked(m_subgraph, op);
    });
}

LatencyComparisonView::~LatencyComparisonView() = default;

QAbstractItemModel* LatencyComparisonView::model() const
{
    return m_model;
}

void LatencyComparisonView::clear()
{
    m_model->clear();
    m_summary->clear();
    m_warnings->clear();
    m_warnings->hide();
}

void LatencyComparisonView::setComparison(const Profiler::LatencyComparison& comparison,
    Profiler::ModelDocumentPtr document, int subgraph, const QString& labelA, const QString& labelB)
{
    m_subgraph = subgraph;
    const Profiler::Subgraph* sg = nullptr;
    const Profiler::ModelAnalysis* analysis = nullptr;
    if (document && subgraph >= 0 && static_cast<std::size_t>(subgraph) < document->model.subgraphs.size()) {
        sg = &document->model.subgraphs[static_cast<std::size_t>(subgraph)];
        if (static_cast<std::size_t>(subgraph) < document->analyses.size())
            analysis = &document->analyses[static_cast<std::size_t>(subgraph)];
    }
    std::vector<LatencyComparisonModel::Row> rows;
    rows.reserve(comparison.layers.size());
    for (std::size_t i = 0; i < comparison.layers.size(); ++i) {
        const Profiler::LayerLatencyDelta& d = comparison.layers[i];
        LatencyComparisonModel::Row row;
        row.op = static_cast<int>(i);
        if (analysis && i < analysis->layers.size())
            row.name = analysis->layers[i].name;
        if (sg && i < sg->operators.size())
            row.type = sg->operators[i].type;
        if (row.name.isEmpty())
            row.name = tr("operator %1").arg(i);
        row.a = d.medianA;
        row.b = d.medianB;
        row.delta = d.delta;
        row.ratio = d.ratio;
        rows.push_back(row);
    }
    LatencyComparisonModel::Row totals;
    totals.name = tr("Total");
    totals.type = comparison.layersCompared == 1 ? tr("1 layer compared")
                                                 : tr("%1 layers compared").arg(comparison.layersCompared);
    totals.a = comparison.totalA;
    totals.b = comparison.totalB;
    if (comparison.layersCompared > 0) {
        totals.delta = comparison.totalB - comparison.totalA;
        totals.ratio = comparison.totalA > 0 ? comparison.totalB / comparison.totalA : std::nan("");
    }
    m_model->reset(std::move(rows), totals, comparison.inMilliseconds, labelA, labelB);
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(
        NameColumn, std::min(m_table->columnWidth(NameColumn), 30 * fontMetrics().averageCharWidth()));

    const QString unit = comparison.inMilliseconds ? QStringLiteral("ms") : QStringLiteral("ticks");
    const auto total = [&](double v) -> QString {
        return (comparison.inMilliseconds ? formatMilliseconds(v) : formatTicks(v)) + QLatin1Char(' ') + unit;
    };
    m_summary->setText(comparison.layersCompared == 0
            ? tr("%1 vs %2: no layer was measured in both").arg(labelA, labelB)
            : tr("%1: %2 \u00b7 %3: %4 over the %5 layers measured in both")
                  .arg(labelA, total(comparison.totalA), labelB, total(comparison.totalB))
                  .arg(comparison.layersCompared));
    QStringList warnings;
    for (const QString& w : comparison.warnings)
        warnings << QStringLiteral("\u26a0 ") + w;
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());
}

QString LatencyComparisonView::warningsText() const
{
    return m_warnings->text();
}

} // namespace Widgets
