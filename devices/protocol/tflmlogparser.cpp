// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/tflmlogparser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <utility>

namespace Devices {

namespace {

constexpr qint64 TwoPow32 = qint64(1) << 32;
constexpr qint64 NeverEndedTicks = TwoPow32 - 1;

// Tags are registration names (CONV_2D) or custom op names: no spaces, no commas, no quotes.
#define TFLM_TAG "([A-Za-z_][A-Za-z0-9_./:+-]*)"

const QRegularExpression& logLinePattern()
{
    static const QRegularExpression re(QStringLiteral("^" TFLM_TAG " took (-?\\d+) ticks \\((-?\\d+) ms\\)\\.?$"));
    return re;
}

const QRegularExpression& csvEventPattern()
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)," TFLM_TAG ",(-?\\d+)(?:,(-?\\d+))?$"));
    return re;
}

const QRegularExpression& perTagPattern()
{
    static const QRegularExpression re(QStringLiteral("^" TFLM_TAG ",\\s*(-?\\d+)$"));
    return re;
}

const QRegularExpression& totalPattern()
{
    static const QRegularExpression re(QStringLiteral("^\"total number of ticks\",\\s*(-?\\d+)$"));
    return re;
}

#undef TFLM_TAG

/** Reads a printed tick value as the unsigned 32-bit value the firmware meant (old TFLM prints with %d). */
std::optional<quint32> toTicks32(const QString& text)
{
    bool ok = false;
    qint64 v = text.toLongLong(&ok);
    if (!ok || v < -(TwoPow32 / 2) || v >= TwoPow32)
        return std::nullopt;
    if (v < 0)
        v += TwoPow32;
    return quint32(v);
}

/** Per-tag sums in order of first appearance. The hash keeps a run with very many distinct tags (garbage, or a
 *  hostile log) linear instead of quadratic in its events. */
class TagTotals
{
public:
    explicit TagTotals(std::vector<TflmTagTotal>& totals)
        : m_totals(totals)
    {
        for (std::size_t i = 0; i < totals.size(); ++i)
            m_index.insert(totals[i].tag, i);
    }
    void add(const QString& tag, quint64 ticks, int events)
    {
        const auto it = m_index.constFind(tag);
        if (it != m_index.constEnd()) {
            m_totals[*it].ticks += ticks;
            m_totals[*it].events += events;
            return;
        }
        m_index.insert(tag, m_totals.size());
        m_totals.push_back({ tag, ticks, events });
    }
    const TflmTagTotal* find(const QString& tag) const
    {
        const auto it = m_index.constFind(tag);
        return it == m_index.constEnd() ? nullptr : &m_totals[*it];
    }

private:
    std::vector<TflmTagTotal>& m_totals;
    QHash<QString, std::size_t> m_index;
};

/** Smallest p such that every tag equals the tag p positions earlier: n minus the longest proper prefix of the tag
 *  sequence that is also a suffix (Knuth-Morris-Pratt prefix function), so linear in the events. Trying each p in
 *  turn was quadratic, and a long Log() capture with one garbled tag near its end took minutes (found by fuzzing). */
std::size_t tagPeriod(const std::vector<TflmEvent>& events)
{
    const std::size_t n = events.size();
    if (n == 0)
        return 0;
    std::vector<std::size_t> border(n, 0); // border[i]: longest proper border of tags [0, i]
    for (std::size_t i = 1; i < n; ++i) {
        std::size_t k = border[i - 1];
        while (k > 0 && events[i].tag != events[k].tag)
            k = border[k - 1];
        if (events[i].tag == events[k].tag)
            ++k;
        border[i] = k;
    }
    return n - border[n - 1];
}

} // namespace

QString tflmRejectReasonText(TflmRejectReason reason)
{
    switch (reason) {
    case TflmRejectReason::None:
        return QString();
    case TflmRejectReason::NeverEnded:
        return QStringLiteral("event never ended");
    case TflmRejectReason::Wrapped:
        return QStringLiteral("implausible value, tick counter wrapped");
    case TflmRejectReason::OutOfRange:
        return QStringLiteral("not a 32-bit tick value");
    }
    return QString();
}

TflmLogParser::TflmLogParser(TflmLogParserOptions options)
    : m_options(options)
{ }

void TflmLogParser::feed(QByteArrayView chunk)
{
    while (!chunk.isEmpty()) {
        const qsizetype nl = chunk.indexOf('\n');
        const QByteArrayView part = nl < 0 ? chunk : chunk.first(nl);
        if (!m_skippingOverlong) {
            m_pending.append(part.data(), part.size());
            if (m_pending.size() > m_options.maxLineBytes) {
                // Serial noise without newlines must not grow memory without bound.
                m_pending.clear();
                m_skippingOverlong = true;
            }
        }
        if (nl < 0)
            return;
        ++m_lineNumber;
        if (m_skippingOverlong) {
            ++m_log.ignoredLines;
            warn(m_lineNumber, QStringLiteral("Line longer than %1 bytes ignored").arg(m_options.maxLineBytes));
            m_skippingOverlong = false;
        } else {
            parseLine(m_pending);
        }
        m_pending.clear();
        chunk = chunk.sliced(nl + 1);
    }
}

TflmLog TflmLogParser::finish()
{
    if (m_skippingOverlong) {
        ++m_lineNumber;
        ++m_log.ignoredLines;
        warn(m_lineNumber, QStringLiteral("Line longer than %1 bytes ignored").arg(m_options.maxLineBytes));
    } else if (!m_pending.isEmpty()) {
        ++m_lineNumber;
        parseLine(m_pending);
    }
    closeRun();
    closeLogSeries();
    closePrintedTotals();
    m_log.lines = m_lineNumber;
    TflmLog result = std::move(m_log);
    *this = TflmLogParser(m_options);
    return result;
}

void TflmLogParser::parseLine(QByteArrayView raw)
{
    const QString line = QString::fromLatin1(raw).trimmed(); // trimming also drops the '\r' of "\r\n"
    const qint64 n = m_lineNumber;

    if (line.startsWith(QLatin1String("\"Event\",\"Tag\",\"Ticks\""))) {
        closePrintedTotals();
        closeLogSeries();
        closeRun();
        return;
    }
    if (line.startsWith(QLatin1String("\"Unique Tag\""))) {
        closeRun();
        closeLogSeries();
        closePrintedTotals();
        m_printed = TflmPrintedTotals();
        m_printed->line = n;
        return;
    }
    if (auto m = csvEventPattern().match(line); m.hasMatch()) {
        bool ok = false;
        const int index = m.captured(1).toInt(&ok);
        if (ok) {
            closePrintedTotals();
            closeLogSeries();
            addEvent(TflmLogFormat::Csv, index, m.captured(2), m.captured(3), n);
            return;
        }
    }
    if (auto m = logLinePattern().match(line); m.hasMatch()) {
        closePrintedTotals();
        closeRun();
        addEvent(TflmLogFormat::Log, std::nullopt, m.captured(1), m.captured(2), n);
        return;
    }
    if (auto m = totalPattern().match(line); m.hasMatch()) {
        closeRun();
        closeLogSeries();
        if (!m_printed) {
            m_printed = TflmPrintedTotals();
            m_printed->line = n;
        }
        if (auto t = toTicks32(m.captured(1)))
            m_printed->total = *t;
        else
            warn(n, QStringLiteral("Printed total \"%1\" is not a 32-bit tick value").arg(m.captured(1)));
        closePrintedTotals();
        return;
    }
    if (auto m = perTagPattern().match(line); m.hasMatch()) {
        const auto t = toTicks32(m.captured(2));
        // "Score, 42" from the application must not start a block: without the header, only tags seen in
        // per-event lines since the last block count.
        if (t && (m_printed || tagSeenSinceLastBlock(m.captured(1)))) {
            closeRun();
            closeLogSeries();
            if (!m_printed) {
                m_printed = TflmPrintedTotals();
                m_printed->line = n;
            }
            m_printed->perTag.push_back({ m.captured(1), *t, 0 });
            return;
        }
    }
    ++m_log.ignoredLines;
}

void TflmLogParser::addEvent(
    TflmLogFormat format, std::optional<int> csvIndex, const QString& tag, const QString& ticksText, qint64 line)
{
    TflmEvent e;
    e.tag = tag;
    e.line = line;
    m_tagsSinceBlock.insert(tag);
    if (const auto t = toTicks32(ticksText)) {
        e.ticks = *t;
        const double limit = m_options.maxPlausibleFraction * double(TwoPow32);
        if (*t == NeverEndedTicks)
            e.rejectReason = TflmRejectReason::NeverEnded;
        else if (double(*t) > limit)
            e.rejectReason = TflmRejectReason::Wrapped;
    } else {
        e.rejectReason = TflmRejectReason::OutOfRange;
    }
    if (e.rejected())
        warn(line,
            QStringLiteral("%1: %2 ticks rejected (%3)").arg(tag, ticksText, tflmRejectReasonText(e.rejectReason)));

    if (format == TflmLogFormat::Log) {
        m_logSeries.push_back(std::move(e));
        if (m_options.expectedEventsPerRun > 0 && m_logSeries.size() >= std::size_t(m_options.expectedEventsPerRun))
            closeLogSeries();
        return;
    }

    const int index = csvIndex.value_or(0);
    if (m_run && index <= m_lastCsvIndex)
        closeRun();
    if (!m_run) {
        m_run = TflmRun();
        m_run->format = TflmLogFormat::Csv;
        if (index != 0)
            warn(line, QStringLiteral("Run starts at event %1, not 0: earlier events were lost").arg(index));
    } else if (index != m_lastCsvIndex + 1) {
        warn(line, QStringLiteral("Event index jumps from %1 to %2: events were lost").arg(m_lastCsvIndex).arg(index));
    }
    m_lastCsvIndex = index;
    m_run->events.push_back(std::move(e));
}

void TflmLogParser::closeRun()
{
    if (!m_run)
        return;
    pushRun(std::move(*m_run));
    m_run.reset();
    m_lastCsvIndex = -1;
}

void TflmLogParser::closeLogSeries()
{
    if (m_logSeries.empty())
        return;
    const std::size_t n = m_logSeries.size();
    const std::size_t period
        = m_options.expectedEventsPerRun > 0 ? std::size_t(m_options.expectedEventsPerRun) : tagPeriod(m_logSeries);
    for (std::size_t start = 0; start < n; start += period) {
        TflmRun run;
        run.format = TflmLogFormat::Log;
        const std::size_t end = std::min(n, start + period);
        run.events.assign(m_logSeries.begin() + qsizetype(start), m_logSeries.begin() + qsizetype(end));
        if (end - start < period) {
            run.truncated = true;
            warn(run.events.front().line,
                QStringLiteral("Run has %1 of %2 events: output was cut off").arg(end - start).arg(period));
        }
        pushRun(std::move(run));
    }
    m_logSeries.clear();
}

void TflmLogParser::pushRun(TflmRun run)
{
    TagTotals totals(run.tagTotals);
    for (std::size_t i = 0; i < run.events.size(); ++i) {
        TflmEvent& e = run.events[i];
        e.index = int(i);
        if (e.rejected()) {
            ++run.rejectedEvents;
            continue;
        }
        totals.add(e.tag, e.ticks, 1);
        run.totalTicks += e.ticks;
    }
    m_log.runs.push_back(std::move(run));
}

void TflmLogParser::closePrintedTotals()
{
    if (!m_printed)
        return;
    TflmPrintedTotals printed = std::move(*m_printed);
    m_printed.reset();

    printed.firstRun = m_firstUncheckedRun;
    printed.runCount = int(m_log.runs.size()) - m_firstUncheckedRun;
    m_firstUncheckedRun = int(m_log.runs.size());
    m_tagsSinceBlock.clear();
    const qint64 line = printed.line;

    if (printed.runCount == 0) {
        warn(line, QStringLiteral("Printed per-tag totals without per-event lines: they cannot be checked"));
        m_log.printedTotals.push_back(std::move(printed));
        return;
    }

    std::vector<TflmTagTotal> recomputed;
    TagTotals recomputedTotals(recomputed);
    quint64 recomputedTotal = 0;
    int rejected = 0;
    for (int r = printed.firstRun; r < printed.firstRun + printed.runCount; ++r) {
        const TflmRun& run = m_log.runs[std::size_t(r)];
        for (const auto& t : run.tagTotals)
            recomputedTotals.add(t.tag, t.ticks, t.events);
        recomputedTotal += run.totalTicks;
        rejected += run.rejectedEvents;
    }
    const QString note = rejected > 0 ? QStringLiteral(" (%1 rejected events excluded)").arg(rejected) : QString();

    // The firmware sums in 32 bits, so compare modulo 2^32.
    QSet<QString> printedTags;
    for (const auto& p : printed.perTag) {
        printedTags.insert(p.tag);
        const TflmTagTotal* found = recomputedTotals.find(p.tag);
        const quint64 ticks = found ? found->ticks : 0;
        if (quint32(ticks) != quint32(p.ticks))
            warn(line,
                QStringLiteral("%1: printed total %2 ticks, recomputed %3 from the events%4")
                    .arg(p.tag)
                    .arg(p.ticks)
                    .arg(ticks)
                    .arg(note));
    }
    for (const auto& t : recomputed) {
        if (!printedTags.contains(t.tag) && !printed.perTag.empty())
            warn(line, QStringLiteral("%1: %2 ticks in the events but no printed total").arg(t.tag).arg(t.ticks));
    }
    if (printed.total && quint32(*printed.total) != quint32(recomputedTotal))
        warn(line,
            QStringLiteral("Printed total number of ticks %1, recomputed %2 from the events%3")
                .arg(*printed.total)
                .arg(recomputedTotal)
                .arg(note));
    m_log.printedTotals.push_back(std::move(printed));
}

bool TflmLogParser::tagSeenSinceLastBlock(const QString& tag) const
{
    // A set kept as events arrive: searching every event since the block made each "TAG, 123" line cost as much as
    // the events before it (quadratic on long logs).
    return m_tagsSinceBlock.contains(tag);
}

void TflmLogParser::warn(qint64 line, QString message)
{
    m_log.warnings.push_back({ line, std::move(message) });
}

TflmLogFileResult parseTflmLogFile(const QString& path, TflmLogParserOptions options)
{
    const QString name = QDir::toNativeSeparators(path);
    TflmLogFileResult result;
    if (!QFileInfo::exists(path)) {
        result.error = QStringLiteral("Cannot read TFLM profiler log %1: the file does not exist").arg(name);
        return result;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = QStringLiteral("Cannot read TFLM profiler log %1: %2").arg(name, file.errorString());
        return result;
    }
    TflmLogParser parser(options);
    while (!file.atEnd()) {
        const QByteArray chunk = file.read(64 * 1024);
        if (chunk.isEmpty() && file.error() != QFileDevice::NoError) {
            result.error = QStringLiteral("Cannot read TFLM profiler log %1: %2").arg(name, file.errorString());
            return result;
        }
        parser.feed(chunk);
    }
    TflmLog log = parser.finish();
    if (log.empty()) {
        result.error = QStringLiteral("Not a TFLM profiler log: no MicroProfiler lines found in %1").arg(name);
        return result;
    }
    result.value = std::move(log);
    return result;
}

TflmOperatorMapping mapEventsToOperators(const std::vector<QString>& operatorTypes, const TflmRun& run)
{
    TflmOperatorMapping mapping;
    if (operatorTypes.size() != run.events.size())
        mapping.warnings.push_back(QStringLiteral("The run has %1 events but the model has %2 operators")
                                       .arg(run.events.size())
                                       .arg(operatorTypes.size()));
    for (std::size_t i = 0; i < operatorTypes.size(); ++i) {
        TflmOperatorTiming op;
        op.operatorIndex = int(i);
        op.operatorType = operatorTypes[i];
        if (i < run.events.size()) {
            const TflmEvent& e = run.events[i];
            op.eventTag = e.tag;
            op.line = e.line;
            if (e.tag.compare(op.operatorType, Qt::CaseInsensitive) != 0)
                mapping.warnings.push_back(QStringLiteral("Operator %1 is %2 but the event at that position is %3")
                                               .arg(i)
                                               .arg(op.operatorType, e.tag));
            else if (e.rejected())
                mapping.warnings.push_back(QStringLiteral("Operator %1 (%2) has no time: %3")
                                               .arg(i)
                                               .arg(op.operatorType, tflmRejectReasonText(e.rejectReason)));
            else
                op.ticks = e.ticks;
        }
        if (op.ticks)
            ++mapping.matched;
        mapping.operators.push_back(std::move(op));
    }
    for (std::size_t i = operatorTypes.size(); i < run.events.size(); ++i)
        mapping.warnings.push_back(
            QStringLiteral("Event %1 (%2) has no operator in the model").arg(i).arg(run.events[i].tag));
    return mapping;
}

} // namespace Devices
