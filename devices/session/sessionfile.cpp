// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/sessionfile.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QSaveFile>

#include <cmath>
#include <limits>

namespace Devices {

namespace {

constexpr int kFormatVersion = 1;
constexpr const char* kFormatName = "tinyscope-session";
constexpr int kMaxWarnings = 100; ///< a file of garbage must not produce a million warnings

// ---------------------------------------------------------------------------------------------------------------
// Writing. Lines are assembled by hand rather than with QJsonDocument: the key order stays the documented one
// ("type" first, easy to grep), and a run of 200 layers costs one allocation instead of hundreds of QJsonValues.

void appendString(QByteArray& out, const QString& text)
{
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20u) {
                out += "\\u00";
                out += "0123456789abcdef"[u >> 4];
                out += "0123456789abcdef"[u & 0xFu];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

template <typename T> void appendNumber(QByteArray& out, T value)
{
    out += QByteArray::number(value);
}

template <typename T> void appendOptional(QByteArray& out, const std::optional<T>& value)
{
    if (value)
        appendNumber(out, *value);
    else
        out += "null";
}

QByteArray headerLine(const Capture& capture)
{
    QByteArray line = "{\"format\":\"";
    line += kFormatName;
    line += "\",\"version\":";
    appendNumber(line, kFormatVersion);
    line += ",\"source\":";
    appendString(line, capture.source);
    line += ",\"startedMs\":";
    appendNumber(line, capture.startedMs);
    line += ",\"model\":";
    appendString(line, capture.modelPath);
    line += ",\"modelSha256\":";
    appendString(line, capture.modelSha256);
    line += '}';
    return line;
}

QByteArray boardLine(const BoardIdentity& board)
{
    QByteArray line = "{\"type\":\"board\",\"versionMajor\":";
    appendNumber(line, board.versionMajor);
    line += ",\"versionMinor\":";
    appendNumber(line, board.versionMinor);
    line += ",\"name\":";
    appendString(line, board.boardName);
    line += ",\"cpuHz\":";
    appendNumber(line, board.cpuHz);
    line += ",\"tickHz\":";
    appendNumber(line, board.tickHz);
    line += ",\"arenaBytesUsed\":";
    appendOptional(line, board.arenaBytesUsed);
    line += ",\"modelId\":";
    appendNumber(line, board.modelId);
    line += '}';
    return line;
}

QByteArray runLine(const CapturedRun& run)
{
    QByteArray line;
    line.reserve(96 + static_cast<qsizetype>(run.layers.size()) * 28);
    line += "{\"type\":\"run\",\"run\":";
    appendNumber(line, run.runIndex);
    line += ",\"cut\":";
    appendString(line, runCutName(run.cut));
    line += ",\"totalTicks\":";
    appendOptional(line, run.totalTicks);
    line += ",\"receivedMs\":";
    appendNumber(line, run.receivedMs);
    line += ",\"layers\":[";
    bool first = true;
    for (const LayerSample& layer : run.layers) {
        if (!first)
            line += ',';
        first = false;
        line += '[';
        appendNumber(line, layer.layerIndex);
        line += ',';
        appendNumber(line, layer.opCode);
        line += ',';
        appendNumber(line, layer.beginTicks);
        line += ',';
        appendOptional(line, layer.elapsedTicks);
        if (!layer.tag.isEmpty()) {
            line += ',';
            appendString(line, layer.tag);
        }
        line += ']';
    }
    line += "]}";
    return line;
}

QByteArray noteLine(qint64 ms, const QString& text)
{
    QByteArray line = "{\"type\":\"note\",\"ms\":";
    appendNumber(line, ms);
    line += ",\"text\":";
    appendString(line, text);
    line += '}';
    return line;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading.

/** An integral JSON number in [min, max], or empty. */
std::optional<qint64> integerIn(const QJsonValue& value, qint64 min, qint64 max)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(min) || d > static_cast<double>(max))
        return std::nullopt;
    return value.toInteger(static_cast<qint64>(d));
}

constexpr qint64 kU8 = std::numeric_limits<quint8>::max();
constexpr qint64 kU16 = std::numeric_limits<quint16>::max();
constexpr qint64 kU32 = std::numeric_limits<quint32>::max();
// Milliseconds since the epoch fit in a double exactly up to 2^53.
constexpr qint64 kMaxMs = qint64(1) << 53;

/** Reads fields of one object; the first problem is kept in error() and later reads return defaults. */
class Fields
{
public:
    explicit Fields(const QJsonObject& object)
        : m_object(object)
    { }

    qint64 integer(const char* key, qint64 min, qint64 max, bool required = true)
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() && !required)
            return 0;
        const std::optional<qint64> n = integerIn(v, min, max);
        if (!n) {
            fail(QStringLiteral("\"%1\" must be an integer from %2 to %3").arg(QLatin1String(key)).arg(min).arg(max));
            return 0;
        }
        return *n;
    }
    /** Missing or null: empty. */
    std::optional<quint32> optionalU32(const char* key)
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        const std::optional<qint64> n = integerIn(v, 0, kU32);
        if (!n) {
            fail(QStringLiteral("\"%1\" must be null or an integer from 0 to %2").arg(QLatin1String(key)).arg(kU32));
            return std::nullopt;
        }
        return static_cast<quint32>(*n);
    }
    QString string(const char* key, bool required = true)
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() && !required)
            return {};
        if (!v.isString()) {
            fail(QStringLiteral("\"%1\" must be a string").arg(QLatin1String(key)));
            return {};
        }
        return v.toString();
    }
    void fail(const QString& why)
    {
        if (m_error.isEmpty())
            m_error = why;
    }
    const QString& error() const { return m_error; }

private:
    const QJsonObject& m_object;
    QString m_error;
};

std::optional<BoardIdentity> parseBoard(const QJsonObject& object, QString* why)
{
    Fields f(object);
    BoardIdentity board;
    board.versionMajor = static_cast<quint8>(f.integer("versionMajor", 0, kU8));
    board.versionMinor = static_cast<quint8>(f.integer("versionMinor", 0, kU8));
    board.boardName = f.string("name", false);
    board.cpuHz = static_cast<quint32>(f.integer("cpuHz", 0, kU32, false));
    board.tickHz = static_cast<quint32>(f.integer("tickHz", 0, kU32, false));
    board.arenaBytesUsed = f.optionalU32("arenaBytesUsed");
    board.modelId = static_cast<quint32>(f.integer("modelId", 0, kU32, false));
    if (!f.error().isEmpty()) {
        *why = f.error();
        return std::nullopt;
    }
    return board;
}

std::optional<LayerSample> parseLayer(const QJsonValue& value, int position, QString* why)
{
    const auto bad = [&](const QString& reason) {
        *why = QStringLiteral("layer %1: %2").arg(position).arg(reason);
        return std::nullopt;
    };
    if (!value.isArray())
        return bad(QStringLiteral("not an array"));
    const QJsonArray a = value.toArray();
    if (a.size() != 4 && a.size() != 5)
        return bad(QStringLiteral("expected [index, opCode, beginTicks, elapsedTicks|null, tag?]"));
    const std::optional<qint64> index = integerIn(a.at(0), 0, kU16);
    const std::optional<qint64> op = integerIn(a.at(1), 0, kU16);
    const std::optional<qint64> begin = integerIn(a.at(2), 0, kU32);
    if (!index || !op || !begin)
        return bad(QStringLiteral("index, opCode and beginTicks must be integers in range"));
    LayerSample sample;
    sample.layerIndex = static_cast<quint16>(*index);
    sample.opCode = static_cast<quint16>(*op);
    sample.beginTicks = static_cast<quint32>(*begin);
    if (!a.at(3).isNull()) {
        const std::optional<qint64> elapsed = integerIn(a.at(3), 0, kU32);
        if (!elapsed)
            return bad(QStringLiteral("elapsedTicks must be null or an integer in range"));
        sample.elapsedTicks = static_cast<quint32>(*elapsed);
    }
    if (a.size() == 5) {
        if (!a.at(4).isString())
            return bad(QStringLiteral("tag must be a string"));
        sample.tag = a.at(4).toString();
    }
    return sample;
}

std::optional<CapturedRun> parseRun(const QJsonObject& object, QString* why)
{
    Fields f(object);
    CapturedRun run;
    run.runIndex = static_cast<quint32>(f.integer("run", 0, kU32));
    const QString cutName = f.string("cut");
    run.totalTicks = f.optionalU32("totalTicks");
    run.receivedMs = f.integer("receivedMs", -kMaxMs, kMaxMs, false);
    if (!f.error().isEmpty()) {
        *why = f.error();
        return std::nullopt;
    }
    const std::optional<RunCut> cut = runCutFromName(cutName);
    if (!cut) {
        *why = QStringLiteral("unknown \"cut\" value \"%1\"").arg(cutName);
        return std::nullopt;
    }
    run.cut = *cut;
    const QJsonValue layers = object.value(QLatin1String("layers"));
    if (!layers.isArray()) {
        *why = QStringLiteral("\"layers\" must be an array");
        return std::nullopt;
    }
    const QJsonArray array = layers.toArray();
    run.layers.reserve(static_cast<size_t>(array.size()));
    for (int i = 0; i < array.size(); ++i) {
        std::optional<LayerSample> sample = parseLayer(array.at(i), i, why);
        if (!sample)
            return std::nullopt;
        run.layers.push_back(std::move(*sample));
    }
    return run;
}

} // namespace

// -------------------------------------------------------------------------------------------------------------------

SessionFileWriter::SessionFileWriter(const QString& path)
    : m_file(path)
{ }

std::unique_ptr<SessionFileWriter> SessionFileWriter::create(const QString& path, const Capture& header, QString* error)
{
    std::unique_ptr<SessionFileWriter> writer(new SessionFileWriter(path));
    if (!writer->m_file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error)
            *error = QStringLiteral("Cannot create session file %1: %2").arg(path, writer->m_file.errorString());
        return nullptr;
    }
    // The header, and what the capture already holds, so the file is complete from the start.
    bool ok = writer->writeLine(headerLine(header));
    if (ok && header.board)
        ok = writer->writeBoard(*header.board);
    for (const CapturedRun& run : header.runs) {
        if (!ok)
            break;
        ok = writer->writeRun(run);
    }
    if (!ok) {
        if (error)
            *error = writer->errorText();
        return nullptr;
    }
    return writer;
}

bool SessionFileWriter::writeBoard(const BoardIdentity& board)
{
    return writeLine(boardLine(board));
}

bool SessionFileWriter::writeRun(const CapturedRun& run)
{
    return writeLine(runLine(run));
}

bool SessionFileWriter::writeNote(qint64 ms, const QString& text)
{
    return writeLine(noteLine(ms, text));
}

bool SessionFileWriter::writeLine(const QByteArray& json)
{
    QByteArray line = json;
    line += '\n';
    // One write of the whole line, then flush: after a crash the file ends at a line boundary or inside the last
    // line, never with an earlier line missing.
    if (m_file.write(line) != line.size() || !m_file.flush()) {
        m_error = QStringLiteral("Cannot write session file %1: %2").arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    return true;
}

// -------------------------------------------------------------------------------------------------------------------

namespace {

/** No session line is near this long: a run of the most layers the wire protocol numbers (65,536) is about 3 MB.
 *  A longer line is skipped, and a file source does not hold it in memory, so a hostile file cannot make the reader
 *  take gigabytes. */
constexpr qsizetype kMaxLineBytes = 16 * 1024 * 1024;

/** The lines of a session file, from memory or from an open file, without their '\n'. Splitting by hand, rather
 *  than with QIODevice::readLine(), costs no allocation per line (readLine() sizes every line for its whole read
 *  buffer); the fuzz target reads millions of files. */
class LineSource
{
public:
    enum class Status {
        Line,
        Overlong, ///< a line dropped unread because it grew past kMaxLineBytes (`line` is empty)
        End,
        Error,
    };
    virtual ~LineSource() = default;
    /** The next line in `line` (valid until the next call); complete is false for a last line without '\n'. */
    virtual Status next(QByteArrayView& line, bool& complete) = 0;
    virtual QString errorString() const { return {}; }
};

class MemoryLines : public LineSource
{
public:
    explicit MemoryLines(QByteArrayView data)
        : m_rest(data)
    { }
    Status next(QByteArrayView& line, bool& complete) override
    {
        if (m_rest.isEmpty())
            return Status::End;
        const qsizetype nl = m_rest.indexOf('\n');
        complete = nl >= 0;
        line = complete ? m_rest.first(nl) : m_rest;
        m_rest = complete ? m_rest.sliced(nl + 1) : QByteArrayView();
        return Status::Line;
    }

private:
    QByteArrayView m_rest;
};

/** Reads the file in large blocks; a line longer than a block grows the buffer until its '\n' arrives. */
class FileLines : public LineSource
{
public:
    explicit FileLines(QIODevice& file)
        : m_file(file)
    { }
    Status next(QByteArrayView& line, bool& complete) override
    {
        qsizetype searched = m_start;
        for (;;) {
            const qsizetype nl = m_buffer.indexOf('\n', searched);
            if (nl >= 0) {
                line = QByteArrayView(m_buffer.constData() + m_start, nl - m_start);
                complete = true;
                m_start = nl + 1;
                return Status::Line;
            }
            if (m_file.atEnd())
                break;
            // Drop the lines already given out, then read on: the buffer holds at most one block plus one line.
            m_buffer.remove(0, m_start);
            m_start = 0;
            if (m_buffer.size() > kMaxLineBytes)
                return skipOverlongLine(line, complete);
            searched = m_buffer.size();
            const QByteArray block = m_file.read(kBlockBytes);
            if (block.isEmpty()) {
                m_error = m_file.errorString();
                return Status::Error;
            }
            m_buffer += block;
        }
        if (m_start == m_buffer.size())
            return Status::End;
        line = QByteArrayView(m_buffer.constData() + m_start, m_buffer.size() - m_start);
        complete = false;
        m_start = m_buffer.size();
        return Status::Line;
    }
    QString errorString() const override { return m_error; }

private:
    /** Drops the line in the buffer and the rest of it up to its '\n' (or the end of the file), block by block. */
    Status skipOverlongLine(QByteArrayView& line, bool& complete)
    {
        m_buffer.clear();
        m_start = 0;
        line = QByteArrayView();
        complete = false;
        while (!m_file.atEnd()) {
            const QByteArray block = m_file.read(kBlockBytes);
            if (block.isEmpty()) {
                m_error = m_file.errorString();
                return Status::Error;
            }
            const qsizetype nl = block.indexOf('\n');
            if (nl >= 0) {
                m_buffer = block.sliced(nl + 1); // the lines after it
                complete = true;
                break;
            }
        }
        return Status::Overlong;
    }

    static constexpr qint64 kBlockBytes = 256 * 1024;
    QIODevice& m_file;
    QByteArray m_buffer;
    qsizetype m_start = 0; ///< first byte of m_buffer not given out yet
    QString m_error;
};

/** Reads session lines; `path` names the file in every message. */
SessionFileResult readSessionLines(LineSource& lines, const QString& path)
{
    SessionFileResult result;
    SessionFileContents contents;
    int lineNumber = 0;
    bool haveHeader = false;
    int skipped = 0;
    const auto warn = [&](int line, const QString& reason) {
        ++skipped;
        if (skipped <= kMaxWarnings)
            contents.warnings.push_back(QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(reason));
    };

    for (;;) {
        QByteArrayView rawLine;
        bool complete = false;
        const LineSource::Status status = lines.next(rawLine, complete);
        if (status == LineSource::Status::End)
            break;
        ++lineNumber;
        if (status == LineSource::Status::Error) {
            result.error = QStringLiteral("Cannot read session file %1: %2").arg(path, lines.errorString());
            return result;
        }
        // One length rule for every source, whether it dropped the line unread or holds it.
        if (status == LineSource::Status::Overlong || rawLine.size() > kMaxLineBytes) {
            if (!haveHeader) {
                result.error = QStringLiteral("%1:%2: not a TinyScope session file (its first line is over %3 MiB)")
                                   .arg(path)
                                   .arg(lineNumber)
                                   .arg(kMaxLineBytes / (1024 * 1024));
                return result;
            }
            warn(lineNumber,
                QStringLiteral("a line over %1 MiB, longer than any run can be; skipped")
                    .arg(kMaxLineBytes / (1024 * 1024)));
            continue;
        }
        // The view is valid until the next call; fromRawData() lends it to the JSON parser without a copy.
        const QByteArrayView trimmed = rawLine.trimmed();
        if (trimmed.isEmpty())
            continue;
        const QByteArray line = QByteArray::fromRawData(trimmed.data(), trimmed.size());

        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        const bool isObject = parseError.error == QJsonParseError::NoError && document.isObject();

        if (!haveHeader) {
            const QJsonObject object = document.object();
            if (!isObject || object.value(QLatin1String("format")).toString() != QLatin1String(kFormatName)) {
                result.error = QStringLiteral("%1:%2: not a TinyScope session file (the first line is not a "
                                              "{\"format\":\"%3\",...} header)")
                                   .arg(path)
                                   .arg(lineNumber)
                                   .arg(QLatin1String(kFormatName));
                return result;
            }
            const std::optional<qint64> version = integerIn(object.value(QLatin1String("version")), 1, kU32);
            if (!version) {
                result.error
                    = QStringLiteral("%1:%2: the session header has no valid \"version\"").arg(path).arg(lineNumber);
                return result;
            }
            if (*version > kFormatVersion) {
                result.error = QStringLiteral("%1: session file format version %2 is newer than this TinyScope "
                                              "reads (version %3); update TinyScope")
                                   .arg(path)
                                   .arg(*version)
                                   .arg(kFormatVersion);
                return result;
            }
            Fields f(object);
            contents.capture.source = f.string("source", false);
            contents.capture.startedMs = f.integer("startedMs", -kMaxMs, kMaxMs, false);
            contents.capture.modelPath = f.string("model", false);
            contents.capture.modelSha256 = f.string("modelSha256", false);
            if (!f.error().isEmpty())
                warn(lineNumber, QStringLiteral("header: %1 (kept what could be read)").arg(f.error()));
            haveHeader = true;
            continue;
        }

        if (!isObject) {
            if (!complete) { // only a last line can lack its '\n'
                warn(lineNumber,
                    QStringLiteral("the last line is incomplete (the session was cut off while writing it); "
                                   "skipped"));
            } else if (parseError.error != QJsonParseError::NoError) {
                warn(lineNumber,
                    QStringLiteral("not valid JSON (%1 at byte %2); skipped")
                        .arg(parseError.errorString())
                        .arg(parseError.offset + 1));
            } else {
                warn(lineNumber, QStringLiteral("not a JSON object; skipped"));
            }
            continue;
        }

        const QJsonObject object = document.object();
        const QString type = object.value(QLatin1String("type")).toString();
        QString why;
        if (type == QLatin1String("run")) {
            std::optional<CapturedRun> run = parseRun(object, &why);
            if (run)
                contents.capture.runs.push_back(std::move(*run));
            else
                warn(lineNumber, QStringLiteral("bad run line: %1; skipped").arg(why));
        } else if (type == QLatin1String("board")) {
            std::optional<BoardIdentity> board = parseBoard(object, &why);
            if (board)
                contents.capture.board = std::move(*board);
            else
                warn(lineNumber, QStringLiteral("bad board line: %1; skipped").arg(why));
        } else if (type == QLatin1String("note")) {
            Fields f(object);
            const QString text = f.string("text");
            if (f.error().isEmpty())
                contents.notes.push_back(text);
            else
                warn(lineNumber, QStringLiteral("bad note line: %1; skipped").arg(f.error()));
        } else {
            warn(lineNumber, QStringLiteral("unknown line type \"%1\"; skipped").arg(type));
        }
    }

    if (!haveHeader) {
        result.error = QStringLiteral("%1 is empty: not a TinyScope session file").arg(path);
        return result;
    }
    if (skipped > kMaxWarnings) {
        contents.warnings.push_back(
            QStringLiteral("%1: %2 more bad lines skipped").arg(path).arg(skipped - kMaxWarnings));
    }
    result.value = std::move(contents);
    return result;
}

} // namespace

SessionFileResult readSessionFile(const QString& path)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isFile()) {
        // Not opened at all: a pipe would block the open until something writes to it.
        SessionFileResult result;
        result.error
            = QStringLiteral("Cannot open session file %1: not a regular file (a folder, a device or a pipe?)").arg(path);
        return result;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        SessionFileResult result;
        result.error = QStringLiteral("Cannot open session file %1: %2").arg(path, file.errorString());
        return result;
    }
    FileLines lines(file);
    return readSessionLines(lines, path);
}

SessionFileResult parseSessionData(const QByteArray& data, const QString& displayName)
{
    MemoryLines lines(data);
    return readSessionLines(lines, displayName);
}

QByteArray sessionFileBytes(const Capture& capture)
{
    QByteArray bytes = headerLine(capture);
    bytes += '\n';
    if (capture.board) {
        bytes += boardLine(*capture.board);
        bytes += '\n';
    }
    for (const CapturedRun& run : capture.runs) {
        bytes += runLine(run);
        bytes += '\n';
    }
    return bytes;
}

bool writeSessionFile(const QString& path, const Capture& capture, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("Cannot create session file %1: %2").arg(path, file.errorString());
        return false;
    }
    const QByteArray bytes = sessionFileBytes(capture);
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = QStringLiteral("Cannot write session file %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace Devices
