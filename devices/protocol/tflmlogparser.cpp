// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/tflmlogparser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <limits>
#include <utility>

namespace Devices {

namespace {

constexpr qint64 TwoPow32 = qint64(1) << 32;
constexpr qint64 NeverEndedTicks = TwoPow32 - 1;

// Lines are matched by hand over the raw bytes rather than with regular expressions: a log arrives a line at a time
// from a serial port and every line is tried against up to four forms, so matching must cost no allocation. The forms
// (see the header) are, with TAG = [A-Za-z_][A-Za-z0-9_./:+-]* (registration names such as CONV_2D, or custom op
// names: no spaces, commas or quotes) and INT = -?[0-9]+:
//   Log():           TAG " took " INT " ticks (" INT " ms)" ["."]
//   LogCsv():        [0-9]+ "," TAG "," INT ["," INT]
//   per-tag total:   TAG "," spaces INT
//   grand total:     "\"total number of ticks\"," spaces INT

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isTagStart(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool isTagChar(char c)
{
    return isTagStart(c) || isDigit(c) || c == '.' || c == '/' || c == ':' || c == '+' || c == '-';
}

/** ASCII whitespace (what "spaces" above allows between a comma and a number). */
bool isAsciiSpace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/** What QString::trimmed() drops from a Latin-1 line: ASCII whitespace, NEL (0x85) and no-break space (0xA0). */
bool isTrimmedSpace(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return isAsciiSpace(c) || u == 0x85 || u == 0xA0;
}

QByteArrayView trimmedLine(QByteArrayView line)
{
    while (!line.isEmpty() && isTrimmedSpace(line.front()))
        line = line.sliced(1);
    while (!line.isEmpty() && isTrimmedSpace(line.back()))
        line.chop(1);
    return line;
}

/** A cursor over one line: each method consumes what it matches, or consumes nothing and reports no match. */
class LineCursor
{
public:
    explicit LineCursor(QByteArrayView line)
        : m_rest(line)
    { }

    bool atEnd() const { return m_rest.isEmpty(); }
    bool literal(QByteArrayView text)
    {
        if (!m_rest.startsWith(text))
            return false;
        m_rest = m_rest.sliced(text.size());
        return true;
    }
    void spaces()
    {
        while (!m_rest.isEmpty() && isAsciiSpace(m_rest.front()))
            m_rest = m_rest.sliced(1);
    }
    /** [0-9]+ */
    QByteArrayView digits() { return take(0); }
    /** -?[0-9]+ */
    QByteArrayView integer() { return take(m_rest.startsWith('-') ? 1 : 0); }
    /** TAG */
    QByteArrayView tag()
    {
        if (m_rest.isEmpty() || !isTagStart(m_rest.front()))
            return {};
        qsizetype n = 1;
        while (n < m_rest.size() && isTagChar(m_rest[n]))
            ++n;
        return consume(n);
    }

private:
    QByteArrayView take(qsizetype sign)
    {
        qsizetype n = sign;
        while (n < m_rest.size() && isDigit(m_rest[n]))
            ++n;
        return n > sign ? consume(n) : QByteArrayView();
    }
    QByteArrayView consume(qsizetype n)
    {
        const QByteArrayView matched = m_rest.first(n);
        m_rest = m_rest.sliced(n);
        return matched;
    }

    QByteArrayView m_rest;
};

/** The parts of a recognised line (empty when the form has no such part). */
struct LineParts
{
    QByteArrayView index;
    QByteArrayView tag;
    QByteArrayView ticks;
};

std::optional<LineParts> matchCsvEvent(QByteArrayView line)
{
    LineCursor c(line);
    LineParts parts;
    parts.index = c.digits();
    if (parts.index.isEmpty() || !c.literal(","))
        return std::nullopt;
    parts.tag = c.tag();
    if (parts.tag.isEmpty() || !c.literal(","))
        return std::nullopt;
    parts.ticks = c.integer();
    if (parts.ticks.isEmpty())
        return std::nullopt;
    if (c.literal(",") && c.integer().isEmpty()) // the optional milliseconds column
        return std::nullopt;
    return c.atEnd() ? std::optional<LineParts>(parts) : std::nullopt;
}

std::optional<LineParts> matchLogLine(QByteArrayView line)
{
    LineCursor c(line);
    LineParts parts;
    parts.tag = c.tag();
    if (parts.tag.isEmpty() || !c.literal(" took "))
        return std::nullopt;
    parts.ticks = c.integer();
    if (parts.ticks.isEmpty() || !c.literal(" ticks (") || c.integer().isEmpty() || !c.literal(" ms)"))
        return std::nullopt;
    c.literal(".");
    return c.atEnd() ? std::optional<LineParts>(parts) : std::nullopt;
}

std::optional<LineParts> matchTotal(QByteArrayView line)
{
    LineCursor c(line);
    if (!c.literal("\"total number of ticks\","))
        return std::nullopt;
    c.spaces();
    LineParts parts;
    parts.ticks = c.integer();
    return !parts.ticks.isEmpty() && c.atEnd() ? std::optional<LineParts>(parts) : std::nullopt;
}

std::optional<LineParts> matchPerTag(QByteArrayView line)
{
    LineCursor c(line);
    LineParts parts;
    parts.tag = c.tag();
    if (parts.tag.isEmpty() || !c.literal(","))
        return std::nullopt;
    c.spaces();
    parts.ticks = c.integer();
    return !parts.ticks.isEmpty() && c.atEnd() ? std::optional<LineParts>(parts) : std::nullopt;
}

/** A CSV event index ([0-9]+) that fits an int. */
std::optional<int> toIndex(QByteArrayView digits)
{
    qint64 v = 0;
    for (const char c : digits) {
        v = v * 10 + (c - '0');
        if (v > std::numeric_limits<int>::max())
            return std::nullopt;
    }
    return int(v);
}

/** Reads a printed tick value (-?[0-9]+) as the unsigned 32-bit value the firmware meant (old TFLM prints with
 *  %d): values from -2^31 to 2^32 - 1, negative ones taken modulo 2^32. */
std::optional<quint32> toTicks32(QByteArrayView text)
{
    const bool negative = text.startsWith('-');
    qint64 v = 0;
    for (const char c : negative ? text.sliced(1) : text) {
        v = v * 10 + (c - '0');
        if (v > TwoPow32) // stops long before qint64 could overflow
            return std::nullopt;
    }
    if (negative)
        return v > TwoPow32 / 2 ? std::nullopt : std::optional<quint32>(quint32((TwoPow32 - v) % TwoPow32));
    return v >= TwoPow32 ? std::nullopt : std::optional<quint32>(quint32(v));
}

/** Per-tag sums in order of first appearance. A run has a few distinct tags (the model's operator types), searched
 *  in a list; past kLinearTags an index takes over, so a run with very many distinct tags (garbage, or a hostile log)
 *  stays linear instead of quadratic in its events, and the common case allocates no hash table. */
class TagTotals
{
public:
    explicit TagTotals(std::vector<TflmTagTotal>& totals)
        : m_totals(totals)
    {
        if (m_totals.size() > kLinearTags)
            buildIndex();
    }
    void add(const QString& tag, quint64 ticks, int events)
    {
        if (const std::size_t i = position(tag); i < m_totals.size()) {
            m_totals[i].ticks += ticks;
            m_totals[i].events += events;
            return;
        }
        m_totals.push_back({ tag, ticks, events });
        if (m_indexed)
            m_index.insert(tag, m_totals.size() - 1);
        else if (m_totals.size() > kLinearTags)
            buildIndex();
    }
    const TflmTagTotal* find(const QString& tag) const
    {
        const std::size_t i = position(tag);
        return i < m_totals.size() ? &m_totals[i] : nullptr;
    }

private:
    static constexpr std::size_t kLinearTags = 16;

    /** Index of tag in m_totals, or m_totals.size() when absent. */
    std::size_t position(const QString& tag) const
    {
        if (m_indexed)
            return m_index.value(tag, m_totals.size());
        for (std::size_t i = 0; i < m_totals.size(); ++i)
            if (m_totals[i].tag == tag)
                return i;
        return m_totals.size();
    }
    void buildIndex()
    {
        for (std::size_t i = 0; i < m_totals.size(); ++i)
            m_index.insert(m_totals[i].tag, i);
        m_indexed = true;
    }

    std::vector<TflmTagTotal>& m_totals;
    QHash<QString, std::size_t> m_index;
    bool m_indexed = false;
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
            if (m_pending.size() + part.size() > m_options.maxLineBytes) {
                // Serial noise without newlines must not grow memory without bound.
                m_pending.clear();
                m_skippingOverlong = true;
            } else if (nl < 0 || !m_pending.isEmpty()) {
                m_pending.append(part); // a line split across chunks; a whole line is parsed where it lies
            }
        }
        if (nl < 0)
            return;
        ++m_lineNumber;
        if (m_skippingOverlong) {
            ++m_log.ignoredLines;
            warn(m_lineNumber, QStringLiteral("Line longer than %1 bytes ignored").arg(m_options.maxLineBytes));
            m_skippingOverlong = false;
        } else if (m_pending.isEmpty()) {
            parseLine(part);
        } else {
            parseLine(m_pending);
            m_pending.resize(0); // keeps the buffer for the next split line
        }
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
    const QByteArrayView line = trimmedLine(raw); // trimming also drops the '\r' of "\r\n"
    const qint64 n = m_lineNumber;

    if (line.startsWith("\"Event\",\"Tag\",\"Ticks\"")) {
        closePrintedTotals();
        closeLogSeries();
        closeRun();
        return;
    }
    if (line.startsWith("\"Unique Tag\"")) {
        closeRun();
        closeLogSeries();
        closePrintedTotals();
        m_printed = TflmPrintedTotals();
        m_printed->line = n;
        return;
    }
    if (const auto csv = matchCsvEvent(line)) {
        if (const auto index = toIndex(csv->index)) {
            closePrintedTotals();
            closeLogSeries();
            addEvent(TflmLogFormat::Csv, *index, internTag(csv->tag), csv->ticks, n);
            return;
        }
    }
    if (const auto log = matchLogLine(line)) {
        closePrintedTotals();
        closeRun();
        addEvent(TflmLogFormat::Log, std::nullopt, internTag(log->tag), log->ticks, n);
        return;
    }
    if (const auto total = matchTotal(line)) {
        closeRun();
        closeLogSeries();
        if (!m_printed) {
            m_printed = TflmPrintedTotals();
            m_printed->line = n;
        }
        if (auto t = toTicks32(total->ticks))
            m_printed->total = *t;
        else
            warn(n,
                QStringLiteral("Printed total \"%1\" is not a 32-bit tick value")
                    .arg(QLatin1String(total->ticks.data(), total->ticks.size())));
        closePrintedTotals();
        return;
    }
    if (const auto perTag = matchPerTag(line)) {
        const auto t = toTicks32(perTag->ticks);
        // "Score, 42" from the application must not start a block: without the header, only tags seen in
        // per-event lines since the last block count.
        if (t) {
            const QString tag = internTag(perTag->tag);
            if (m_printed || tagSeenSinceLastBlock(tag)) {
                closeRun();
                closeLogSeries();
                if (!m_printed) {
                    m_printed = TflmPrintedTotals();
                    m_printed->line = n;
                }
                m_printed->perTag.push_back({ tag, *t, 0 });
                return;
            }
        }
    }
    ++m_log.ignoredLines;
}

QString TflmLogParser::internTag(QByteArrayView bytes)
{
    // A log repeats a handful of tags (the model's operator types): events share one string per tag instead of
    // allocating one per line.
    const QLatin1String latin1(bytes.data(), bytes.size());
    for (const QString& tag : m_recentTags)
        if (tag == latin1)
            return tag;
    QString tag(latin1);
    if (m_recentTags.size() < kRecentTags)
        m_recentTags.push_back(tag);
    else
        m_recentTags[m_nextRecentTag++ % kRecentTags] = tag;
    return tag;
}

void TflmLogParser::addEvent(
    TflmLogFormat format, std::optional<int> csvIndex, const QString& tag, QByteArrayView ticksText, qint64 line)
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
            QStringLiteral("%1: %2 ticks rejected (%3)")
                .arg(tag, QLatin1String(ticksText.data(), ticksText.size()), tflmRejectReasonText(e.rejectReason)));

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
    for (const auto& p : printed.perTag) {
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
    TagTotals printedTags(printed.perTag);
    for (const auto& t : recomputed) {
        if (!printed.perTag.empty() && !printedTags.find(t.tag))
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
    if (!QFileInfo(path).isFile()) {
        // A capture is saved to a file first: a pipe or a device could block the reader for ever.
        result.error = QStringLiteral("Cannot read TFLM profiler log %1: not a regular file (a folder, a device or a "
                                      "pipe?)")
                           .arg(name);
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
