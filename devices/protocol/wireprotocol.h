// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <variant>
#include <vector>

namespace Devices {

/*
 * TinyScope wire protocol, version 1 (full description with tables and a worked example: docs/protocol.md).
 *
 *   offset  size  field
 *   0       2     SOF  A5 5A
 *   2       1     protocol major version (1)
 *   3       1     message type
 *   4       1     sequence number (per direction, +1 per frame, wraps at 256)
 *   5       1     payload length N (0..240)
 *   6       N     payload, little-endian fixed-width fields
 *   6+N     2     CRC-16/CCITT-FALSE over bytes 2 .. 5+N, little-endian
 *
 * The envelope (SOF, the four header bytes, the CRC) is frozen for every version, so a decoder can always
 * delimit and skip frames of a version it does not understand.
 */

namespace Wire {
inline constexpr quint8 kSof0 = 0xA5;
inline constexpr quint8 kSof1 = 0x5A;
inline constexpr quint8 kVersionMajor = 1;
inline constexpr quint8 kVersionMinor = 0;
inline constexpr int kHeaderBytes = 6; ///< SOF, version, type, sequence, length
inline constexpr int kCrcBytes = 2;
inline constexpr int kMaxPayloadBytes = 240;
inline constexpr int kMaxFrameBytes = kHeaderBytes + kMaxPayloadBytes + kCrcBytes;
inline constexpr int kMaxNameBytes = 32; ///< Hello board name, LayerBegin tag
inline constexpr int kMaxTextBytes = 200; ///< Log and Error text
inline constexpr quint32 kUnknown32 = 0xFFFFFFFFu; ///< "not known" for optional 32-bit fields
inline constexpr quint16 kUnknownOp = 0xFFFFu;
} // namespace Wire

/** Message type codes: host commands 0x01..0x7F, board messages 0x80..0xFF. */
enum class MessageType : quint8 {
    Ping = 0x01,
    StartRuns = 0x02,
    Stop = 0x03,
    Hello = 0x81,
    Pong = 0x82,
    RunStart = 0x83,
    LayerBegin = 0x84,
    LayerEnd = 0x85,
    RunEnd = 0x86,
    Log = 0x87,
    Error = 0x88,
};

// Host -> board.
struct Ping
{
    quint32 token = 0; ///< echoed in Pong, lets the host measure the round trip
};
struct StartRuns
{
    quint32 count = 1; ///< 0: run until Stop
};
struct Stop
{
};

// Board -> host.
struct Hello
{
    quint8 versionMajor = Wire::kVersionMajor;
    quint8 versionMinor = Wire::kVersionMinor;
    quint32 cpuHz = 0;
    quint32 tickHz = 0;
    quint32 arenaBytesUsed = Wire::kUnknown32;
    quint32 modelId = 0;
    QString boardName; ///< UTF-8 on the wire, at most kMaxNameBytes bytes
};
struct Pong
{
    quint32 token = 0;
};
struct RunStart
{
    quint32 runIndex = 0;
};
struct LayerBegin
{
    quint16 layerIndex = 0;
    quint16 opCode = Wire::kUnknownOp; ///< TFLite BuiltinOperator code, kUnknownOp when not known
    quint32 ticks = 0; ///< free-running tick counter at the start of the layer
    QString tag; ///< optional op name (custom operators); empty costs nothing on the wire
};
struct LayerEnd
{
    quint16 layerIndex = 0;
    quint32 elapsedTicks = 0; ///< measured by the board, counter wrap already handled there
};
struct RunEnd
{
    quint32 runIndex = 0;
    quint32 totalTicks = 0;
};
struct LogText
{
    QString text;
};
struct BoardError
{
    quint16 code = 0;
    QString text;
};

bool operator==(const Ping& a, const Ping& b);
bool operator==(const StartRuns& a, const StartRuns& b);
bool operator==(const Stop& a, const Stop& b);
bool operator==(const Hello& a, const Hello& b);
bool operator==(const Pong& a, const Pong& b);
bool operator==(const RunStart& a, const RunStart& b);
bool operator==(const LayerBegin& a, const LayerBegin& b);
bool operator==(const LayerEnd& a, const LayerEnd& b);
bool operator==(const RunEnd& a, const RunEnd& b);
bool operator==(const LogText& a, const LogText& b);
bool operator==(const BoardError& a, const BoardError& b);

/** Any message in either direction. */
using Message
    = std::variant<Ping, StartRuns, Stop, Hello, Pong, RunStart, LayerBegin, LayerEnd, RunEnd, LogText, BoardError>;

MessageType messageType(const Message& message);
QString messageTypeName(quint8 type); ///< "LayerEnd", or "0x42" for an unknown code

/** One frame for message with the given sequence number; strings longer than their limit are cut on a UTF-8
 *  character boundary. */
QByteArray encodeFrame(const Message& message, quint8 sequence);

/** Encodes frames with a running sequence number (one encoder per direction). */
class FrameEncoder
{
public:
    QByteArray encode(const Message& message) { return encodeFrame(message, m_sequence++); }
    quint8 nextSequence() const { return m_sequence; }
    void reset() { m_sequence = 0; }

private:
    quint8 m_sequence = 0;
};

/** What the decoder found: a message, or something that went wrong on the line. */
enum class DecodeKind {
    MessageReceived, ///< message holds it
    GarbageSkipped, ///< count bytes outside any valid frame were dropped
    CrcError, ///< count complete candidate frames failed their CRC (corrupted frames, or false SOFs in noise);
              ///< their bytes are part of the GarbageSkipped item that follows
    VersionMismatch, ///< a valid frame of another major version; version holds it. The host must refuse it
    UnknownType, ///< a valid frame of this version with a type code the host does not know (newer minor)
    BadPayload, ///< a valid frame whose payload is shorter than its type requires
    LostFrames, ///< count frames missing before this one (sequence gap)
};

/** One item out of FrameDecoder::take(). */
struct Decoded
{
    DecodeKind kind = DecodeKind::MessageReceived;
    Message message; ///< valid when kind == Message
    quint8 sequence = 0; ///< of the frame (Message, VersionMismatch, UnknownType, BadPayload, LostFrames)
    quint8 type = 0; ///< raw type code (Message, VersionMismatch, UnknownType, BadPayload)
    quint8 version = 0; ///< raw header version (VersionMismatch)
    quint32 count = 0; ///< GarbageSkipped: bytes; CrcError: candidates; LostFrames: frames

    QString describe() const; ///< one line for a log or a status bar
};

/** Totals since construction or reset(). */
struct DecoderStats
{
    quint64 messages = 0;
    quint64 garbageBytes = 0;
    quint64 crcErrors = 0;
    quint64 versionMismatches = 0;
    quint64 unknownTypes = 0;
    quint64 badPayloads = 0;
    quint64 lostFrames = 0;
    quint64 crcBytes = 0; ///< bytes run through the CRC check: the decoder's work, bounded by the tests
};

/** Streaming decoder: bytes in any split, messages and line events out. Never throws; keeps at most one
 *  partial frame (kMaxFrameBytes) between feeds, however much garbage arrives. */
class FrameDecoder
{
public:
    void feed(const QByteArray& bytes) { feed(bytes.constData(), bytes.size()); }
    void feed(const char* data, qsizetype size);
    /** Everything decoded since the last call, in stream order. Pending skipped bytes are reported too. */
    std::vector<Decoded> take();
    void reset();

    qsizetype bufferedBytes() const { return m_buffer.size(); }
    const DecoderStats& stats() const { return m_stats; }

private:
    enum class Candidate {
        NotAFrame, ///< no SOF, or an impossible length
        Incomplete, ///< the claimed frame extends past the buffered bytes
        BadCrc,
        Valid,
    };
    void process();
    Candidate candidateAt(qsizetype pos, qsizetype* end = nullptr); ///< end: where a frame there would end
    qsizetype validFrameInside(qsizetype pos, qsizetype examined);
    void handleFrame(qsizetype pos);
    void skip(qsizetype bytes);
    void flushGarbage();
    void push(Decoded decoded);

    QByteArray m_buffer;
    std::vector<Decoded> m_out;
    DecoderStats m_stats;
    quint32 m_pendingGarbage = 0;
    quint32 m_pendingCrcErrors = 0;
    int m_expectedSequence = -1; ///< -1: next frame starts a new sequence
    // Search for a valid frame inside an incomplete candidate at the buffer's start, kept between feeds.
    struct ResyncCandidate
    {
        qsizetype offset; ///< where it starts, from the buffer's start
        qsizetype end; ///< where its claimed frame ends
    };
    qsizetype m_resyncNext = 0; ///< offsets below this were examined (0: no search in progress)
    std::vector<ResyncCandidate> m_resyncPending; ///< examined, incomplete candidates: a min-heap on end
};

} // namespace Devices
