// SPDX-License-Identifier: GPL-3.0-or-later
// Wire protocol: round trips, arbitrary splits, resync after garbage, CRC/version/sequence events, bounded memory.
#include "protocol/crc16.h"
#include "protocol/wireprotocol.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtTest/QTest>

using namespace Devices;

Q_DECLARE_METATYPE(Devices::Message)

namespace {

std::vector<Message> allMessages()
{
    Hello hello;
    hello.cpuHz = 25'000'000;
    hello.tickHz = 25'000'000;
    hello.arenaBytesUsed = 93'184;
    hello.modelId = 0xC0FFEE01u;
    hello.boardName = QStringLiteral("qemu-mps2-an386");
    LayerBegin begin;
    begin.layerIndex = 12;
    begin.opCode = 3;
    begin.ticks = 0xFFFFFF00u;
    LayerBegin custom;
    custom.layerIndex = 65535;
    custom.tag = QStringLiteral("MyCustomOp");
    return {
        Ping { 0xDEADBEEFu },
        StartRuns { 100 },
        StartRuns { 0 },
        Stop {},
        hello,
        Hello {},
        Pong { 42 },
        RunStart { 7 },
        begin,
        custom,
        LayerEnd { 3, 3500 },
        RunEnd { 7, 123'456'789 },
        LogText { QStringLiteral("arena: 93184 bytes, \u00e9t\u00e9") },
        LogText {},
        BoardError { 2, QStringLiteral("AllocateTensors failed") },
    };
}

/** All frames of a stream of messages, with their sequence numbers 0, 1, 2, ... */
QByteArray encodeAll(const std::vector<Message>& messages)
{
    FrameEncoder encoder;
    QByteArray out;
    for (const Message& m : messages)
        out += encoder.encode(m);
    return out;
}

std::vector<Message> messagesOf(const std::vector<Decoded>& decoded)
{
    std::vector<Message> out;
    for (const Decoded& d : decoded) {
        if (d.kind == DecodeKind::MessageReceived)
            out.push_back(d.message);
    }
    return out;
}

int countKind(const std::vector<Decoded>& decoded, DecodeKind kind)
{
    return static_cast<int>(
        std::count_if(decoded.begin(), decoded.end(), [kind](const Decoded& d) { return d.kind == kind; }));
}

QByteArray fromHex(const char* hex)
{
    return QByteArray::fromHex(QByteArray(hex));
}

} // namespace

class TestProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crcCheckValue()
    {
        const char* check = "123456789";
        QCOMPARE(ts_crc16_update(TS_CRC16_INIT, reinterpret_cast<const uint8_t*>(check), 9), quint16(0x29B1));
    }

    void workedExampleFromDocs()
    {
        // docs/protocol.md: LayerEnd, layer 3, 3500 ticks, sequence 7.
        QCOMPARE(encodeFrame(LayerEnd { 3, 3500 }, 7), fromHex("a55a018507060300ac0d0000ca09"));
        QCOMPARE(encodeFrame(Ping { 0 }, 0),
            fromHex("a55a0101000400000000"
                    "8a47"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<Message>("message");
        int row = 0;
        for (const Message& m : allMessages())
            QTest::addRow("%d: %s", row++, qPrintable(messageTypeName(static_cast<quint8>(messageType(m))))) << m;
    }
    void roundTrip()
    {
        QFETCH(Message, message);
        const QByteArray frame = encodeFrame(message, 200);
        QVERIFY(frame.size() <= Wire::kMaxFrameBytes);
        FrameDecoder decoder;
        decoder.feed(frame);
        const std::vector<Decoded> out = decoder.take();
        QCOMPARE(out.size(), size_t(1));
        QCOMPARE(out[0].kind, DecodeKind::MessageReceived);
        QCOMPARE(out[0].sequence, quint8(200));
        QCOMPARE(out[0].type, quint8(messageType(message)));
        QVERIFY(out[0].message == message);
        QCOMPARE(decoder.bufferedBytes(), 0);
    }

    void longTextIsCutOnCharacterBoundary()
    {
        QString name;
        for (int i = 0; i < 40; ++i)
            name += QChar(0x00E9); // 2 bytes each in UTF-8
        Hello h;
        h.boardName = name;
        FrameDecoder decoder;
        decoder.feed(encodeFrame(h, 0));
        const auto out = decoder.take();
        QCOMPARE(out.size(), size_t(1));
        QCOMPARE(std::get<Hello>(out[0].message).boardName, name.left(16));

        LogText log { QString(500, QLatin1Char('x')) };
        decoder.feed(encodeFrame(log, 1));
        QCOMPARE(std::get<LogText>(decoder.take().at(0).message).text.size(), Wire::kMaxTextBytes);
    }

    void everySplitDecodesTheSame()
    {
        const std::vector<Message> messages = allMessages();
        const QByteArray stream = encodeAll(messages);

        FrameDecoder byteByByte;
        for (char c : stream)
            byteByByte.feed(&c, 1);
        QVERIFY(messagesOf(byteByByte.take()) == messages);

        for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
            FrameDecoder decoder;
            decoder.feed(stream.left(cut));
            decoder.feed(stream.mid(cut));
            const auto out = decoder.take();
            QVERIFY2(out.size() == messages.size(), qPrintable(QStringLiteral("cut at %1").arg(cut)));
            QVERIFY2(messagesOf(out) == messages, qPrintable(QStringLiteral("cut at %1").arg(cut)));
        }
    }

    void garbageBetweenFramesIsSkipped_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed : { 1u, 2u, 3u, 42u, 1234u })
            QTest::addRow("seed %u", seed) << seed;
    }
    void garbageBetweenFramesIsSkipped()
    {
        QFETCH(quint32, seed);
        QRandomGenerator rng(seed);
        std::vector<Message> sent;
        for (int i = 0; i < 200; ++i) {
            for (const Message& m : allMessages())
                sent.push_back(m);
        }
        FrameEncoder encoder;
        QByteArray stream;
        qint64 garbage = 0;
        for (const Message& m : sent) {
            const int n = int(rng.bounded(40));
            for (int i = 0; i < n; ++i)
                stream.append(char(rng.bounded(256)));
            garbage += n;
            if (rng.bounded(8) == 0) {
                // A false SOF claiming a long frame: the decoder must not wait on it and lose the real frame.
                stream.append(fromHex("a55a0184").append(char(rng.bounded(256))).append(char(rng.bounded(241))));
                garbage += 6;
            }
            stream += encoder.encode(m);
        }

        FrameDecoder decoder;
        std::vector<Decoded> out;
        for (qsizetype pos = 0; pos < stream.size();) {
            const qsizetype n = 1 + qsizetype(rng.bounded(300));
            decoder.feed(stream.mid(pos, n));
            pos += n;
            QVERIFY(decoder.bufferedBytes() <= Wire::kMaxFrameBytes + 300);
            const auto part = decoder.take();
            out.insert(out.end(), part.begin(), part.end());
        }
        QVERIFY(messagesOf(out) == sent);
        QCOMPARE(countKind(out, DecodeKind::LostFrames), 0);
        QCOMPARE(decoder.stats().messages, quint64(sent.size()));
        QVERIFY(decoder.stats().garbageBytes >= quint64(garbage) - 2); // a trailing partial SOF may wait
        qint64 reported = 0;
        for (const Decoded& d : out) {
            if (d.kind == DecodeKind::GarbageSkipped)
                reported += d.count;
        }
        QCOMPARE(quint64(reported), decoder.stats().garbageBytes);
    }

    void crcErrorIsReportedAndDecoderRecovers()
    {
        FrameEncoder encoder;
        QByteArray bad = encoder.encode(RunEnd { 1, 1000 });
        bad[8] = char(bad[8] ^ 0x10); // flip one payload bit
        const QByteArray good = encoder.encode(RunStart { 2 });
        FrameDecoder decoder;
        decoder.feed(bad + good);
        const auto out = decoder.take();
        QCOMPARE(countKind(out, DecodeKind::CrcError), 1);
        QCOMPARE(out.front().kind, DecodeKind::CrcError);
        QCOMPARE(out.front().count, quint32(1));
        QCOMPARE(out.at(1).kind, DecodeKind::GarbageSkipped);
        QCOMPARE(out.at(1).count, quint32(bad.size()));
        QVERIFY(messagesOf(out) == std::vector<Message> { RunStart { 2 } });
        QCOMPARE(decoder.stats().crcErrors, quint64(1));
    }

    void wrongVersionIsReported()
    {
        QByteArray frame = encodeFrame(Pong { 1 }, 0);
        frame[2] = char(2);
        const quint16 crc = ts_crc16_update(
            TS_CRC16_INIT, reinterpret_cast<const uint8_t*>(frame.constData() + 2), size_t(frame.size() - 4));
        frame[frame.size() - 2] = char(crc & 0xFF);
        frame[frame.size() - 1] = char(crc >> 8);
        FrameDecoder decoder;
        decoder.feed(frame + encodeFrame(Pong { 2 }, 5));
        const auto out = decoder.take();
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[0].kind, DecodeKind::VersionMismatch);
        QCOMPARE(out[0].version, quint8(2));
        QVERIFY(out[0].describe().contains(QStringLiteral("version 2")));
        QVERIFY(out[1].message == Message { Pong { 2 } });
    }

    void unknownTypeAndShortPayload()
    {
        QByteArray frame = encodeFrame(Stop {}, 0);
        frame[3] = char(0x99);
        const quint16 crc = ts_crc16_update(TS_CRC16_INIT, reinterpret_cast<const uint8_t*>(frame.constData() + 2), 4);
        frame[6] = char(crc & 0xFF);
        frame[7] = char(crc >> 8);
        FrameDecoder decoder;
        decoder.feed(frame);
        QByteArray shortFrame = encodeFrame(Stop {}, 1);
        shortFrame[3] = char(MessageType::RunEnd); // RunEnd needs 8 payload bytes
        const quint16 crc2
            = ts_crc16_update(TS_CRC16_INIT, reinterpret_cast<const uint8_t*>(shortFrame.constData() + 2), 4);
        shortFrame[6] = char(crc2 & 0xFF);
        shortFrame[7] = char(crc2 >> 8);
        decoder.feed(shortFrame);
        const auto out = decoder.take();
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[0].kind, DecodeKind::UnknownType);
        QCOMPARE(out[0].type, quint8(0x99));
        QCOMPARE(out[1].kind, DecodeKind::BadPayload);
    }

    void sequenceGapsAreReported()
    {
        FrameDecoder decoder;
        decoder.feed(encodeFrame(RunStart { 0 }, 250));
        decoder.feed(encodeFrame(LayerEnd { 0, 1 }, 251));
        decoder.feed(encodeFrame(LayerEnd { 1, 1 }, 254)); // 252, 253 lost
        decoder.feed(encodeFrame(LayerEnd { 2, 1 }, 1)); // 255, 0 lost (wrap)
        decoder.feed(encodeFrame(Hello {}, 0)); // board rebooted: new sequence, no gap
        decoder.feed(encodeFrame(Pong {}, 1));
        const auto out = decoder.take();
        std::vector<quint32> gaps;
        for (const Decoded& d : out) {
            if (d.kind == DecodeKind::LostFrames)
                gaps.push_back(d.count);
        }
        QCOMPARE(gaps, (std::vector<quint32> { 2, 2 }));
        QCOMPARE(decoder.stats().lostFrames, quint64(4));
        QCOMPARE(messagesOf(out).size(), size_t(6));
    }

    void absurdLengthDoesNotAllocate()
    {
        FrameDecoder decoder;
        // Length 0xFF is beyond the 240-byte cap: the header is a false SOF, not a reason to wait or to allocate.
        decoder.feed(fromHex("a55a018100ff"));
        QVERIFY(decoder.bufferedBytes() < Wire::kHeaderBytes);
        // Megabytes of SOF-looking noise keep the buffer bounded and produce few events.
        QByteArray noise;
        for (int i = 0; i < 65536 / 6; ++i)
            noise += fromHex("a55a01810af0");
        for (int i = 0; i < 160; ++i) {
            decoder.feed(noise);
            QVERIFY(decoder.bufferedBytes() <= Wire::kMaxFrameBytes);
        }
        decoder.feed(encodeFrame(Pong { 9 }, 3));
        const auto out = decoder.take();
        QCOMPARE(out.size(), size_t(3)); // CRC errors, garbage, the Pong
        QCOMPARE(out[0].kind, DecodeKind::CrcError);
        QVERIFY(out[0].count > 100'000);
        QVERIFY(messagesOf(out) == std::vector<Message> { Pong { 9 } });
        QCOMPARE(decoder.bufferedBytes(), 0);
    }

    void millionEventStream()
    {
        constexpr int kEvents = 1'000'000;
        FrameEncoder encoder;
        QByteArray stream;
        stream.reserve(qsizetype(kEvents) * 18);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < kEvents; ++i) {
            const quint16 layer = quint16(i % 50);
            if (i % 2 == 0)
                stream += encoder.encode(LayerBegin { layer, 3, quint32(i), {} });
            else
                stream += encoder.encode(LayerEnd { layer, quint32(i) });
        }
        const qint64 encodeMs = timer.restart();
        FrameDecoder decoder;
        qint64 messages = 0;
        constexpr qsizetype kChunk = 4096; // about what a serial read returns
        for (qsizetype pos = 0; pos < stream.size(); pos += kChunk) {
            decoder.feed(stream.constData() + pos, qMin(kChunk, stream.size() - pos));
            messages += countKind(decoder.take(), DecodeKind::MessageReceived);
        }
        const qint64 decodeMs = timer.elapsed();
        QCOMPARE(messages, qint64(kEvents));
        QCOMPARE(decoder.stats().garbageBytes, quint64(0));
        QCOMPARE(decoder.stats().lostFrames, quint64(0));
        qInfo("%d events, %lld bytes: encode %lld ms, decode %lld ms (%.0f events/s)", kEvents,
            static_cast<long long>(stream.size()), static_cast<long long>(encodeMs), static_cast<long long>(decodeMs),
            decodeMs > 0 ? kEvents * 1000.0 / double(decodeMs) : 0.0);
    }
};

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
