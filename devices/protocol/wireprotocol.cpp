// SPDX-License-Identifier: GPL-3.0-or-later
#include "protocol/wireprotocol.h"

#include "protocol/crc16.h"

#include <algorithm>
#include <utility>

namespace Devices {

namespace {

quint16 crcOf(const char* data, qsizetype size)
{
    return ts_crc16_update(TS_CRC16_INIT, reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(size));
}

/** Little-endian payload writer. */
class Writer
{
public:
    void u8(quint8 v) { m_bytes.append(static_cast<char>(v)); }
    void u16(quint16 v)
    {
        u8(static_cast<quint8>(v & 0xFFu));
        u8(static_cast<quint8>(v >> 8));
    }
    void u32(quint32 v)
    {
        u16(static_cast<quint16>(v & 0xFFFFu));
        u16(static_cast<quint16>(v >> 16));
    }
    /** UTF-8, cut to at most maxBytes without splitting a character; fills the rest of the payload. */
    void text(const QString& s, int maxBytes)
    {
        QByteArray utf8 = s.toUtf8();
        if (utf8.size() > maxBytes) {
            qsizetype cut = maxBytes;
            // Step back over continuation bytes (10xxxxxx) so the cut lands on a character start.
            while (cut > 0 && (static_cast<quint8>(utf8.at(cut)) & 0xC0u) == 0x80u)
                --cut;
            utf8.truncate(cut);
        }
        m_bytes.append(utf8);
    }
    QByteArray& bytes() { return m_bytes; }

private:
    QByteArray m_bytes;
};

/** Little-endian payload reader; ok() turns false on the first read past the end. */
class Reader
{
public:
    Reader(const char* data, int size)
        : m_data(reinterpret_cast<const quint8*>(data))
        , m_size(size)
    { }
    quint8 u8()
    {
        if (m_pos + 1 > m_size) {
            m_ok = false;
            return 0;
        }
        return m_data[m_pos++];
    }
    quint16 u16()
    {
        const quint16 lo = u8();
        const quint16 hi = u8();
        return static_cast<quint16>(lo | (hi << 8));
    }
    quint32 u32()
    {
        const quint32 lo = u16();
        const quint32 hi = u16();
        return lo | (hi << 16);
    }
    QString rest()
    {
        const QString s = QString::fromUtf8(reinterpret_cast<const char*>(m_data + m_pos), m_size - m_pos);
        m_pos = m_size;
        return s;
    }
    bool ok() const { return m_ok; }

private:
    const quint8* m_data;
    int m_size;
    int m_pos = 0;
    bool m_ok = true;
};

template <class... Ts> struct Overloaded : Ts...
{
    using Ts::operator()...;
};
template <class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

void writePayload(Writer& w, const Message& message)
{
    std::visit(Overloaded {
                   [&](const Ping& m) { w.u32(m.token); },
                   [&](const StartRuns& m) { w.u32(m.count); },
                   [&](const Stop&) {},
                   [&](const Hello& m) {
                       w.u8(m.versionMajor);
                       w.u8(m.versionMinor);
                       w.u32(m.cpuHz);
                       w.u32(m.tickHz);
                       w.u32(m.arenaBytesUsed);
                       w.u32(m.modelId);
                       w.text(m.boardName, Wire::kMaxNameBytes);
                   },
                   [&](const Pong& m) { w.u32(m.token); },
                   [&](const RunStart& m) { w.u32(m.runIndex); },
                   [&](const LayerBegin& m) {
                       w.u16(m.layerIndex);
                       w.u16(m.opCode);
                       w.u32(m.ticks);
                       w.text(m.tag, Wire::kMaxNameBytes);
                   },
                   [&](const LayerEnd& m) {
                       w.u16(m.layerIndex);
                       w.u32(m.elapsedTicks);
                   },
                   [&](const RunEnd& m) {
                       w.u32(m.runIndex);
                       w.u32(m.totalTicks);
                   },
                   [&](const LogText& m) { w.text(m.text, Wire::kMaxTextBytes); },
                   [&](const BoardError& m) {
                       w.u16(m.code);
                       w.text(m.text, Wire::kMaxTextBytes);
                   },
               },
        message);
}

/** Parses a payload of a known type; false when it is too short. Extra trailing bytes are ignored (a newer
 *  minor version may append fields), except where the last field is text. */
bool readPayload(MessageType type, const char* data, int size, Message& out)
{
    Reader r(data, size);
    switch (type) {
    case MessageType::Ping:
        out = Ping { r.u32() };
        break;
    case MessageType::StartRuns:
        out = StartRuns { r.u32() };
        break;
    case MessageType::Stop:
        out = Stop {};
        break;
    case MessageType::Hello: {
        Hello h;
        h.versionMajor = r.u8();
        h.versionMinor = r.u8();
        h.cpuHz = r.u32();
        h.tickHz = r.u32();
        h.arenaBytesUsed = r.u32();
        h.modelId = r.u32();
        if (r.ok())
            h.boardName = r.rest();
        out = std::move(h);
        break;
    }
    case MessageType::Pong:
        out = Pong { r.u32() };
        break;
    case MessageType::RunStart:
        out = RunStart { r.u32() };
        break;
    case MessageType::LayerBegin: {
        LayerBegin b;
        b.layerIndex = r.u16();
        b.opCode = r.u16();
        b.ticks = r.u32();
        if (r.ok())
            b.tag = r.rest();
        out = std::move(b);
        break;
    }
    case MessageType::LayerEnd: {
        LayerEnd e;
        e.layerIndex = r.u16();
        e.elapsedTicks = r.u32();
        out = e;
        break;
    }
    case MessageType::RunEnd: {
        RunEnd e;
        e.runIndex = r.u32();
        e.totalTicks = r.u32();
        out = e;
        break;
    }
    case MessageType::Log:
        out = LogText { r.rest() };
        break;
    case MessageType::Error: {
        BoardError e;
        e.code = r.u16();
        if (r.ok())
            e.text = r.rest();
        out = std::move(e);
        break;
    }
    default:
        return false;
    }
    return r.ok();
}

bool isKnownType(quint8 type)
{
    switch (static_cast<MessageType>(type)) {
    case MessageType::Ping:
    case MessageType::StartRuns:
    case MessageType::Stop:
    case MessageType::Hello:
    case MessageType::Pong:
    case MessageType::RunStart:
    case MessageType::LayerBegin:
    case MessageType::LayerEnd:
    case MessageType::RunEnd:
    case MessageType::Log:
    case MessageType::Error:
        return true;
    }
    return false;
}

quint8 byteAt(const QByteArray& buffer, qsizetype pos)
{
    return static_cast<quint8>(buffer.at(pos));
}

} // namespace

bool operator==(const Ping& a, const Ping& b)
{
    return a.token == b.token;
}
bool operator==(const StartRuns& a, const StartRuns& b)
{
    return a.count == b.count;
}
bool operator==(const Stop&, const Stop&)
{
    return true;
}
bool operator==(const Hello& a, const Hello& b)
{
    return a.versionMajor == b.versionMajor && a.versionMinor == b.versionMinor && a.cpuHz == b.cpuHz
        && a.tickHz == b.tickHz && a.arenaBytesUsed == b.arenaBytesUsed && a.modelId == b.modelId
        && a.boardName == b.boardName;
}
bool operator==(const Pong& a, const Pong& b)
{
    return a.token == b.token;
}
bool operator==(const RunStart& a, const RunStart& b)
{
    return a.runIndex == b.runIndex;
}
bool operator==(const LayerBegin& a, const LayerBegin& b)
{
    return a.layerIndex == b.layerIndex && a.opCode == b.opCode && a.ticks == b.ticks && a.tag == b.tag;
}
bool operator==(const LayerEnd& a, const LayerEnd& b)
{
    return a.layerIndex == b.layerIndex && a.elapsedTicks == b.elapsedTicks;
}
bool operator==(const RunEnd& a, const RunEnd& b)
{
    return a.runIndex == b.runIndex && a.totalTicks == b.totalTicks;
}
bool operator==(const LogText& a, const LogText& b)
{
    return a.text == b.text;
}
bool operator==(const BoardError& a, const BoardError& b)
{
    return a.code == b.code && a.text == b.text;
}

MessageType messageType(const Message& message)
{
    return std::visit(Overloaded {
                          [](const Ping&) { return MessageType::Ping; },
                          [](const StartRuns&) { return MessageType::StartRuns; },
                          [](const Stop&) { return MessageType::Stop; },
                          [](const Hello&) { return MessageType::Hello; },
                          [](const Pong&) { return MessageType::Pong; },
                          [](const RunStart&) { return MessageType::RunStart; },
                          [](const LayerBegin&) { return MessageType::LayerBegin; },
                          [](const LayerEnd&) { return MessageType::LayerEnd; },
                          [](const RunEnd&) { return MessageType::RunEnd; },
                          [](const LogText&) { return MessageType::Log; },
                          [](const BoardError&) { return MessageType::Error; },
                      },
        message);
}

QString messageTypeName(quint8 type)
{
    switch (static_cast<MessageType>(type)) {
    case MessageType::Ping:
        return QStringLiteral("Ping");
    case MessageType::StartRuns:
        return QStringLiteral("StartRuns");
    case MessageType::Stop:
        return QStringLiteral("Stop");
    case MessageType::Hello:
        return QStringLiteral("Hello");
    case MessageType::Pong:
        return QStringLiteral("Pong");
    case MessageType::RunStart:
        return QStringLiteral("RunStart");
    case MessageType::LayerBegin:
        return QStringLiteral("LayerBegin");
    case MessageType::LayerEnd:
        return QStringLiteral("LayerEnd");
    case MessageType::RunEnd:
        return QStringLiteral("RunEnd");
    case MessageType::Log:
        return QStringLiteral("Log");
    case MessageType::Error:
        return QStringLiteral("Error");
    }
    return QStringLiteral("0x%1").arg(type, 2, 16, QLatin1Char('0'));
}

QByteArray encodeFrame(const Message& message, quint8 sequence)
{
    Writer w;
    w.u8(Wire::kSof0);
    w.u8(Wire::kSof1);
    w.u8(Wire::kVersionMajor);
    w.u8(static_cast<quint8>(messageType(message)));
    w.u8(sequence);
    w.u8(0); // length, patched below
    writePayload(w, message);
    QByteArray& frame = w.bytes();
    // Every text field is capped, so the payload always fits; this only guards future message types.
    Q_ASSERT(frame.size() - Wire::kHeaderBytes <= Wire::kMaxPayloadBytes);
    frame[5] = static_cast<char>(frame.size() - Wire::kHeaderBytes);
    w.u16(crcOf(frame.constData() + 2, frame.size() - 2));
    return frame;
}

QString Decoded::describe() const
{
    switch (kind) {
    case DecodeKind::MessageReceived:
        return QStringLiteral("%1 (seq %2)").arg(messageTypeName(type)).arg(sequence);
    case DecodeKind::GarbageSkipped:
        return QStringLiteral("Skipped %1 bytes that were not part of a valid frame").arg(count);
    case DecodeKind::CrcError:
        return QStringLiteral("Dropped %1 candidate frames with a bad CRC").arg(count);
    case DecodeKind::VersionMismatch:
        return QStringLiteral("The board speaks TinyScope protocol version %1, but this TinyScope understands "
                              "version %2 only. Flash a matching profiling stub or update TinyScope.")
            .arg(version)
            .arg(Wire::kVersionMajor);
    case DecodeKind::UnknownType:
        return QStringLiteral("Ignored a frame of unknown type %1 (seq %2); the board may use a newer minor "
                              "protocol version")
            .arg(messageTypeName(type))
            .arg(sequence);
    case DecodeKind::BadPayload:
        return QStringLiteral("Dropped a %1 frame whose payload is too short (seq %2)")
            .arg(messageTypeName(type))
            .arg(sequence);
    case DecodeKind::LostFrames:
        return QStringLiteral("Lost %1 frames before seq %2").arg(count).arg(sequence);
    }
    return {};
}

void FrameDecoder::feed(const char* data, qsizetype size)
{
    if (size <= 0)
        return;
    m_buffer.append(data, size);
    process();
}

std::vector<Decoded> FrameDecoder::take()
{
    flushGarbage();
    std::vector<Decoded> out;
    out.swap(m_out);
    return out;
}

void FrameDecoder::reset()
{
    m_buffer.clear();
    m_resyncNext = 0;
    m_resyncPending.clear();
    m_out.clear();
    m_stats = {};
    m_pendingGarbage = 0;
    m_pendingCrcErrors = 0;
    m_expectedSequence = -1;
}

FrameDecoder::Candidate FrameDecoder::candidateAt(qsizetype pos, qsizetype* end)
{
    const qsizetype available = m_buffer.size() - pos;
    const auto* b = reinterpret_cast<const quint8*>(m_buffer.constData()) + pos;
    if (available < 2 || b[0] != Wire::kSof0 || b[1] != Wire::kSof1)
        return Candidate::NotAFrame;
    if (available < Wire::kHeaderBytes)
        return Candidate::Incomplete;
    const int length = b[5];
    if (length > Wire::kMaxPayloadBytes)
        return Candidate::NotAFrame;
    const qsizetype total = Wire::kHeaderBytes + length + Wire::kCrcBytes;
    if (end)
        *end = pos + total;
    if (available < total)
        return Candidate::Incomplete;
    const qsizetype crcAt = Wire::kHeaderBytes + length;
    const auto stored = static_cast<quint16>(b[crcAt] | (b[crcAt + 1] << 8));
    m_stats.crcBytes += static_cast<quint64>(crcAt - 2);
    return crcOf(m_buffer.constData() + pos + 2, crcAt - 2) == stored ? Candidate::Valid : Candidate::BadCrc;
}

qsizetype FrameDecoder::validFrameInside(qsizetype pos, qsizetype examined)
{
    // The first valid frame starting inside the incomplete candidate at pos, or -1. Candidates at offsets below
    // `examined` (0: none) were examined by the last call: those that were not frames or had a bad CRC stay so (their
    // bytes have not changed), and those that were incomplete wait in m_resyncPending, a min-heap on the offset where
    // they end, to be checked once when their last byte arrives. Checking every candidate again on every feed, CRC
    // included, was quadratic in the frame length for a stream fed byte by byte (found by fuzz_frames).
    const auto laterEnd = [](const ResyncCandidate& a, const ResyncCandidate& b) { return a.end > b.end; };
    if (examined <= 0) {
        m_resyncPending.clear();
        examined = 1;
    }
    const qsizetype size = m_buffer.size();
    qsizetype found = -1;
    while (!m_resyncPending.empty() && pos + m_resyncPending.front().end <= size) {
        const qsizetype q = pos + m_resyncPending.front().offset;
        std::pop_heap(m_resyncPending.begin(), m_resyncPending.end(), laterEnd);
        m_resyncPending.pop_back();
        if (candidateAt(q) == Candidate::Valid && (found < 0 || q < found))
            found = q; // keep going: a candidate completed by the same bytes may start earlier
    }
    if (found >= 0)
        return found; // every unexamined offset lies beyond it
    qsizetype q = pos + examined;
    for (; q + Wire::kHeaderBytes + Wire::kCrcBytes <= size; ++q) {
        qsizetype end = 0;
        const Candidate candidate = candidateAt(q, &end);
        if (candidate == Candidate::Valid)
            return q;
        if (candidate == Candidate::Incomplete) {
            m_resyncPending.push_back({ q - pos, end - pos });
            std::push_heap(m_resyncPending.begin(), m_resyncPending.end(), laterEnd);
        }
    }
    m_resyncNext = q - pos;
    return -1;
}

void FrameDecoder::process()
{
    // The resync search of the last call goes on only if that call stopped at an incomplete candidate, which is now at
    // offset 0, and this call finds it still incomplete.
    qsizetype examined = m_resyncNext;
    m_resyncNext = 0;
    qsizetype pos = 0;
    const qsizetype size = m_buffer.size();
    const char* bytes = m_buffer.constData();
    while (pos < size) {
        // Find the next SOF candidate; everything before it is garbage.
        qsizetype sof = pos;
        while (sof < size
            && !(static_cast<quint8>(bytes[sof]) == Wire::kSof0
                && (sof + 1 == size || static_cast<quint8>(bytes[sof + 1]) == Wire::kSof1)))
            ++sof;
        if (sof > pos) {
            m_pendingGarbage += static_cast<quint32>(sof - pos);
            m_stats.garbageBytes += static_cast<quint64>(sof - pos);
            pos = sof;
        }
        if (size - pos < Wire::kHeaderBytes)
            break; // wait for the header (or the byte after a trailing A5)
        const int length = static_cast<quint8>(bytes[pos + 5]);
        if (length > Wire::kMaxPayloadBytes) {
            skip(1); // impossible length: a false SOF
            ++pos;
            examined = 0;
            continue;
        }
        const qsizetype total = Wire::kHeaderBytes + length + Wire::kCrcBytes;
        if (size - pos < total) {
            // Incomplete. If the candidate is a false SOF in noise, a real frame may already lie complete inside
            // its claimed extent; deliver that instead of waiting for bytes that may never come.
            const qsizetype next = validFrameInside(pos, pos == 0 ? examined : 0);
            examined = 0;
            if (next < 0)
                break; // m_resyncNext > 0: the next call goes on with the search
            m_resyncNext = 0;
            skip(next - pos);
            pos = next;
            continue;
        }
        examined = 0;
        if (candidateAt(pos) != Candidate::Valid) {
            // Counted, not pushed one by one: noise full of false SOFs must not grow the output without bound.
            ++m_pendingCrcErrors;
            ++m_stats.crcErrors;
            skip(1); // rescan inside the bad frame: a real frame may start there
            ++pos;
            continue;
        }
        handleFrame(pos);
        pos += total;
    }
    m_buffer.remove(0, pos);
}

void FrameDecoder::skip(qsizetype bytes)
{
    m_pendingGarbage += static_cast<quint32>(bytes);
    m_stats.garbageBytes += static_cast<quint64>(bytes);
}

void FrameDecoder::handleFrame(qsizetype pos)
{
    flushGarbage();
    const quint8 version = byteAt(m_buffer, pos + 2);
    const quint8 type = byteAt(m_buffer, pos + 3);
    const quint8 sequence = byteAt(m_buffer, pos + 4);
    const int length = byteAt(m_buffer, pos + 5);

    Decoded d;
    d.type = type;
    d.sequence = sequence;
    d.version = version;
    if (version != Wire::kVersionMajor) {
        // Another major version may number its frames differently: do not track its sequence.
        ++m_stats.versionMismatches;
        d.kind = DecodeKind::VersionMismatch;
        m_expectedSequence = -1;
        push(std::move(d));
        return;
    }

    // A Hello starts a new sequence: the board may have rebooted.
    if (type != static_cast<quint8>(MessageType::Hello) && m_expectedSequence >= 0 && sequence != m_expectedSequence) {
        Decoded lost;
        lost.kind = DecodeKind::LostFrames;
        lost.sequence = sequence;
        lost.count = static_cast<quint8>(sequence - m_expectedSequence);
        m_stats.lostFrames += lost.count;
        push(std::move(lost));
    }
    m_expectedSequence = static_cast<quint8>(sequence + 1);

    if (!isKnownType(type)) {
        ++m_stats.unknownTypes;
        d.kind = DecodeKind::UnknownType;
    } else if (!readPayload(static_cast<MessageType>(type), m_buffer.constData() + pos + Wire::kHeaderBytes, length,
                   d.message)) {
        ++m_stats.badPayloads;
        d.kind = DecodeKind::BadPayload;
        d.message = Message {};
    } else {
        ++m_stats.messages;
        d.kind = DecodeKind::MessageReceived;
    }
    push(std::move(d));
}

void FrameDecoder::flushGarbage()
{
    if (m_pendingCrcErrors > 0) {
        Decoded d;
        d.kind = DecodeKind::CrcError;
        d.count = m_pendingCrcErrors;
        m_pendingCrcErrors = 0;
        m_out.push_back(std::move(d));
    }
    if (m_pendingGarbage > 0) {
        Decoded d;
        d.kind = DecodeKind::GarbageSkipped;
        d.count = m_pendingGarbage;
        m_pendingGarbage = 0;
        m_out.push_back(std::move(d));
    }
}

void FrameDecoder::push(Decoded decoded)
{
    m_out.push_back(std::move(decoded));
}

} // namespace Devices
