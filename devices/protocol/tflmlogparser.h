// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QSet>
#include <QString>

#include <optional>
#include <vector>

namespace Devices {

/*
 * Text output of TensorFlow Lite Micro's MicroProfiler, unmodified, as it arrives over a serial line or from a file.
 *
 * Recognised lines (terminated by "\r\n" or "\n"; surrounding whitespace ignored):
 *   Log():               CONV_2D took 249561 ticks (9 ms).
 *   LogCsv():            "Event","Tag","Ticks"[,"ms"]          (header)
 *                        0,CONV_2D,249561[,9]
 *   LogTicksPerTagCsv(): "Unique Tag","Total ticks across ..."  (header)
 *                        CONV_2D, 1817013                       (per-tag sum; without the header only
 *                                                                accepted for a tag seen in events)
 *                        "total number of ticks", 2301234       (ends the block)
 * Every other line (boot banners, application printf, garbage) is counted and ignored.
 *
 * Ticks are end-start differences modulo 2^32. Older TFLM prints them with %d, so a negative value is read
 * as its 32-bit unsigned equivalent. 4294967295 (-1) means the event never ended; values above
 * maxPlausibleFraction * 2^32 are taken as a wrapped counter. Both are kept as rejected events and never
 * counted in totals. Printed per-tag totals are never trusted: totals are recomputed from the events and a
 * mismatch with the printed ones is a warning.
 *
 * Run splitting:
 *  - CSV events: a run ends at a "Event","Tag","Ticks" header or when the event index does not increase
 *    (normally it goes back to 0); an index that skips ahead is a warning (lost lines).
 *  - Log() events carry no index. If expectedEventsPerRun is set (the model's operator count), every that
 *    many consecutive Log() events form a run. Otherwise, a contiguous series of Log() events is split by the
 *    shortest period of its tag sequence: the smallest p such that every tag equals the tag p positions
 *    earlier (so "A B C A B C A B" is runs "A B C", "A B C", "A B" - the last one reported as truncated).
 *    A model whose own tag sequence is periodic (e.g. three FULLY_CONNECTED in a row) needs
 *    expectedEventsPerRun. A Log() series ends at a CSV line, a per-tag totals block, or finish().
 *  - Any per-tag totals block also ends the current run. It is checked against the recomputed totals of all
 *    runs completed since the previous block.
 */

/** Which MicroProfiler function printed a line. */
enum class TflmLogFormat {
    Log,
    Csv,
};

/** Why an event's ticks are not used. */
enum class TflmRejectReason {
    None,
    NeverEnded, ///< 4294967295 (or -1): EndEvent() was never called
    Wrapped, ///< above the plausible limit: the 32-bit counter wrapped or the value is corrupt
    OutOfRange, ///< does not fit 32 bits at all: not a MicroProfiler value
};

QString tflmRejectReasonText(TflmRejectReason reason); ///< "event never ended", ...

/** One profiled event (normally one operator invocation). */
struct TflmEvent
{
    int index = 0; ///< position within its run (0-based), whatever index the CSV printed
    QString tag; ///< operator registration name, e.g. CONV_2D, or a custom op's name
    quint32 ticks = 0; ///< as printed, modulo 2^32 (meaningless when rejected)
    qint64 line = 0; ///< 1-based line number in the input
    TflmRejectReason rejectReason = TflmRejectReason::None;

    bool rejected() const { return rejectReason != TflmRejectReason::None; }
};

/** Sum of ticks for one tag. */
struct TflmTagTotal
{
    QString tag;
    quint64 ticks = 0;
    int events = 0; ///< accepted events summed (0 for printed totals)
};

/** One inference: the events of one Log()/LogCsv() call. */
struct TflmRun
{
    TflmLogFormat format = TflmLogFormat::Log;
    std::vector<TflmEvent> events;
    std::vector<TflmTagTotal> tagTotals; ///< recomputed from accepted events, in order of first appearance
    quint64 totalTicks = 0; ///< recomputed from accepted events
    int rejectedEvents = 0;
    bool truncated = false; ///< fewer events than the runs around it (Log() period splitting only)
};

/** A LogTicksPerTagCsv() block as printed, kept apart from the recomputed totals. */
struct TflmPrintedTotals
{
    std::vector<TflmTagTotal> perTag; ///< ticks as printed (modulo 2^32)
    std::optional<quint64> total; ///< the "total number of ticks" line, if seen
    qint64 line = 0; ///< line of the first entry
    int firstRun = 0; ///< runs [firstRun, firstRun + runCount) were checked against this block
    int runCount = 0;
};

/** A warning tied to an input line (0 when not tied to one). */
struct TflmWarning
{
    qint64 line = 0;
    QString message;
};

/** Everything parsed from one input. */
struct TflmLog
{
    std::vector<TflmRun> runs;
    std::vector<TflmPrintedTotals> printedTotals;
    std::vector<TflmWarning> warnings;
    qint64 lines = 0; ///< lines read
    qint64 ignoredLines = 0; ///< non-profiler lines (banners, printf, blank lines, garbage)

    bool empty() const { return runs.empty() && printedTotals.empty(); }
};

/** Tuning for TflmLogParser. */
struct TflmLogParserOptions
{
    double maxPlausibleFraction = 0.5; ///< ticks above this fraction of 2^32 are rejected as wrapped
    int expectedEventsPerRun = 0; ///< Log() run length (the model's operator count); 0 = infer from tags
    int maxLineBytes = 4096; ///< longer lines are garbage: dropped up to the next newline
};

/** Streaming parser for MicroProfiler output: feed chunks of any size, then finish(). */
class TflmLogParser
{
public:
    explicit TflmLogParser(TflmLogParserOptions options = {});

    /** Parses every complete line in chunk; a partial line at the end waits for the next chunk. */
    void feed(QByteArrayView chunk);
    void feed(const QByteArray& chunk) { feed(QByteArrayView(chunk)); }

    /** Parses a last unterminated line, closes the open run and block, returns the result and resets. */
    TflmLog finish();

    /** Results so far; the last run and block are added by finish() (or when a later line closes them). */
    const TflmLog& current() const { return m_log; }

private:
    void parseLine(QByteArrayView line);
    void addEvent(TflmLogFormat format, std::optional<int> csvIndex, const QString& tag, QByteArrayView ticksText,
        qint64 lineNumber);
    QString internTag(QByteArrayView bytes);
    void closeRun();
    void closeLogSeries();
    void closePrintedTotals();
    void pushRun(TflmRun run);
    bool tagSeenSinceLastBlock(const QString& tag) const;
    void warn(qint64 line, QString message);

    TflmLogParserOptions m_options;
    TflmLog m_log;
    QByteArray m_pending; ///< bytes of an incomplete line
    bool m_skippingOverlong = false;
    qint64 m_lineNumber = 0;
    std::optional<TflmRun> m_run; ///< open CSV run
    int m_lastCsvIndex = -1;
    std::vector<TflmEvent> m_logSeries; ///< contiguous Log() events not yet split into runs
    std::optional<TflmPrintedTotals> m_printed; ///< open per-tag totals block
    int m_firstUncheckedRun = 0;
    QSet<QString> m_tagsSinceBlock; ///< tags of the events since the last per-tag totals block
    static constexpr std::size_t kRecentTags = 32;
    std::vector<QString> m_recentTags; ///< tag strings shared by the events that carry them
    std::size_t m_nextRecentTag = 0;
};

/** A value or an error message naming the file and the reason. */
struct TflmLogFileResult
{
    std::optional<TflmLog> value;
    QString error; ///< empty when value is set

    bool ok() const { return value.has_value(); }
};

/** Reads a whole file of MicroProfiler output; fails if missing, unreadable or without profiler lines. */
TflmLogFileResult parseTflmLogFile(const QString& path, TflmLogParserOptions options = {});

/** Ticks of one model operator, matched to an event by position and tag. */
struct TflmOperatorTiming
{
    int operatorIndex = 0;
    QString operatorType;
    std::optional<quint32> ticks; ///< set only when the event at this position has this tag and is accepted
    QString eventTag; ///< tag of the event at this position (empty when the run is shorter)
    qint64 line = 0; ///< input line of that event (0 when none)
};

/** Per-operator ticks in execution order, with the ways the run differs from the model. */
struct TflmOperatorMapping
{
    std::vector<TflmOperatorTiming> operators; ///< one per model operator, in execution order
    std::vector<QString> warnings;
    int matched = 0; ///< operators with ticks
};

/**
 * Maps a run onto a model's operators: event i belongs to operator i. Tags are compared with the operator
 * type names case-insensitively (TFLM tags are registration names: CONV_2D, FULLY_CONNECTED, custom names).
 * A different count, a differing tag or a rejected sample leaves that operator without ticks and warns.
 */
TflmOperatorMapping mapEventsToOperators(const std::vector<QString>& operatorTypes, const TflmRun& run);

} // namespace Devices
