// SPDX-License-Identifier: GPL-3.0-or-later
// What fuzzing the devices parsers found (issue 7; tests/fuzz, docs/fuzzing.md), kept as tests:
//  - FrameDecoder: a long partial frame fed byte by byte made the decoder check every candidate frame inside it
//    again on every byte, CRC included: quadratic in the frame length. Work is counted (stats().crcBytes), never
//    timed.
//  - TflmLogParser: lines are now matched by hand instead of with regular expressions (the time per line was mostly
//    allocation). The cases below pin the edges of each line form that the regular expressions defined.
//  - Session files: lines are now split by hand instead of with QIODevice::readLine(); a line longer than the
//    reader's block and a last line without '\n' read as before, from a file and from memory alike.
#include "protocol/crc16.h"
#include "protocol/tflmlogparser.h"
#include "protocol/wireprotocol.h"
#include "session/sessionfile.h"

#include <QTemporaryDir>
#include <QtTest/QTest>

using namespace Devices;

namespace {

// ------------------------------------------------------------------------------------------------------------------
// Frames

QByteArray frameBytes(quint8 type, quint8 sequence, const QByteArray& payload, bool goodCrc)
{
    QByteArray body;
    body += char(Wire::kVersionMajor);
    body += char(type);
    body += char(sequence);
    body += char(payload.size());
    body += payload;
    quint16 crc = TS_CRC16_INIT;
    crc = ts_crc16_update(crc, reinterpret_cast<const uint8_t*>(body.constData()), size_t(body.size()));
    if (!goodCrc)
        crc ^= 0x0101u;
    QByteArray frame;
    frame += char(Wire::kSof0);
    frame += char(Wire::kSof1);
    frame += body;
    frame += char(crc & 0xFFu);
    frame += char(crc >> 8);
    return frame;
}

/**
 * The worst case for the resync search: a LayerEnd frame claiming the full 240-byte payload, whose payload is made of
 * false SOFs every 6 bytes, each claiming a length that ends shortly before the outer frame does (so each one is
 * complete, with a bad CRC, long before the outer one), then a valid LayerEnd. Returns the stream and the number of
 * SOF candidates in it.
 */
QByteArray nestedFalseFrames(int blocks, int* candidates)
{
    QByteArray stream;
    *candidates = 0;
    for (int b = 0; b < blocks; ++b) {
        QByteArray payload;
        while (payload.size() + 6 <= Wire::kMaxPayloadBytes) {
            const int claim = std::max(0, int(Wire::kMaxPayloadBytes) - int(payload.size()) - 30);
            payload += char(Wire::kSof0);
            payload += char(Wire::kSof1);
            payload += char(Wire::kVersionMajor);
            payload += char(0x85);
            payload += char(b);
            payload += char(claim);
            ++*candidates;
        }
        payload.append(Wire::kMaxPayloadBytes - payload.size(), '\x11');
        stream += frameBytes(0x85, quint8(2 * b), payload, false).left(Wire::kHeaderBytes + Wire::kMaxPayloadBytes);
        stream += frameBytes(0x85, quint8(2 * b + 1), QByteArray("\x01\x00\x10\x00\x00\x00", 6), true);
        *candidates += 2;
    }
    return stream;
}

struct DecodeRun
{
    QList<QByteArray> items; ///< kind, sequence, type and count of every item, in order
    DecoderStats stats;
};

DecodeRun decodeInChunks(const QByteArray& stream, qsizetype chunk)
{
    FrameDecoder decoder;
    DecodeRun run;
    for (qsizetype pos = 0; pos < stream.size(); pos += chunk) {
        decoder.feed(stream.constData() + pos, std::min(chunk, stream.size() - pos));
        for (const Decoded& item : decoder.take())
            run.items.append(QByteArray::number(int(item.kind)) + '/' + QByteArray::number(item.sequence) + '/'
                + QByteArray::number(item.type) + '/' + QByteArray::number(item.count));
    }
    run.stats = decoder.stats();
    return run;
}

// ------------------------------------------------------------------------------------------------------------------
// TFLM logs

TflmLog parseLog(const QByteArray& text)
{
    TflmLogParser parser;
    parser.feed(text);
    return parser.finish();
}

// ------------------------------------------------------------------------------------------------------------------
// Session files

QByteArray runLineBytes(quint32 index, int layers)
{
    QByteArray line = "{\"type\":\"run\",\"run\":" + QByteArray::number(index)
        + ",\"cut\":\"none\",\"totalTicks\":null,\"receivedMs\":5,\"layers\":[";
    for (int i = 0; i < layers; ++i) {
        if (i)
            line += ',';
        line += '[' + QByteArray::number(i) + ",3," + QByteArray::number(10 * i) + ",7]";
    }
    return line + "]}";
}

} // namespace

class TestFuzzFindings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resyncWorkIsLinearByteByByte();
    void tflmLogLineForms_data();
    void tflmLogLineForms();
    void sessionLinesFromFileAndMemory();
};

void TestFuzzFindings::resyncWorkIsLinearByteByByte()
{
    int candidates = 0;
    const int blocks = 20;
    const QByteArray stream = nestedFalseFrames(blocks, &candidates);

    const DecodeRun whole = decodeInChunks(stream, stream.size());
    const DecodeRun bytewise = decodeInChunks(stream, 1);
    // Same result whatever the split; one valid LayerEnd per block.
    QCOMPARE(bytewise.items, whole.items);
    QCOMPARE(whole.stats.messages, quint64(blocks));
    QCOMPARE(bytewise.stats.garbageBytes, whole.stats.garbageBytes);
    QCOMPARE(bytewise.stats.crcErrors, whole.stats.crcErrors);

    // Every candidate's CRC is computed at most twice (once inside the outer frame, once as the head after it), over
    // at most kMaxPayloadBytes + 4 bytes, so byte by byte costs at most about twice the work of one feed. The old
    // search checked every complete candidate again on every byte: on this stream it ran 1,970,280 bytes through the
    // CRC byte by byte against 83,880 at once (measured with the old code), 4.8 times the bound below.
    const quint64 bound = quint64(candidates) * 2 * (Wire::kMaxPayloadBytes + 4);
    QVERIFY2(bytewise.stats.crcBytes <= bound,
        qPrintable(QStringLiteral("%1 CRC bytes for %2 candidates").arg(bytewise.stats.crcBytes).arg(candidates)));
    QVERIFY2(bytewise.stats.crcBytes <= 3 * whole.stats.crcBytes,
        qPrintable(
            QStringLiteral("byte by byte %1, at once %2").arg(bytewise.stats.crcBytes).arg(whole.stats.crcBytes)));
    QVERIFY(whole.stats.crcBytes > 0);
}

void TestFuzzFindings::tflmLogLineForms_data()
{
    // A line, and what it must give: the ticks of its one event (-1: no event, the line is ignored) and whether the
    // event is rejected. Bytes 0x85 and 0xA0 are Latin-1 NEL and no-break space, trimmed like ASCII whitespace.
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<qint64>("ticks");
    QTest::addColumn<bool>("rejected");
    QTest::addColumn<QString>("tag");
    const QString conv = QStringLiteral("CONV_2D");
    QTest::newRow("log") << QByteArray("CONV_2D took 249561 ticks (9 ms).") << qint64(249561) << false << conv;
    QTest::newRow("log, no dot") << QByteArray("CONV_2D took 5 ticks (0 ms)") << qint64(5) << false << conv;
    QTest::newRow("log, two dots") << QByteArray("CONV_2D took 5 ticks (0 ms)..") << qint64(-1) << false << conv;
    QTest::newRow("log, two spaces") << QByteArray("CONV_2D  took 5 ticks (0 ms).") << qint64(-1) << false << conv;
    QTest::newRow("log, no ms") << QByteArray("CONV_2D took 5 ticks ( ms).") << qint64(-1) << false << conv;
    QTest::newRow("log, -1") << QByteArray("CONV_2D took -1 ticks (-1 ms).") << qint64(4294967295) << true << conv;
    QTest::newRow("log, lone minus") << QByteArray("CONV_2D took - ticks (0 ms).") << qint64(-1) << false << conv;
    QTest::newRow("log, plus") << QByteArray("CONV_2D took +5 ticks (0 ms).") << qint64(-1) << false << conv;
    QTest::newRow("trimmed NBSP NEL CR") << QByteArray("\xa0 CONV_2D took 7 ticks (0 ms).\x85\r") << qint64(7) << false
                                         << conv;
    QTest::newRow("not trimmed 0x1f") << QByteArray(1, '\x1f') + "CONV_2D took 7 ticks (0 ms)." << qint64(-1) << false
                                      << conv;
    QTest::newRow("csv") << QByteArray("0,CONV_2D,249561") << qint64(249561) << false << conv;
    QTest::newRow("csv, ms") << QByteArray("0,CONV_2D,5,-3") << qint64(5) << false << conv;
    QTest::newRow("csv, empty ms") << QByteArray("0,CONV_2D,5,") << qint64(-1) << false << conv;
    QTest::newRow("csv, index too large") << QByteArray("2147483648,CONV_2D,5") << qint64(-1) << false << conv;
    QTest::newRow("csv, tag starts with digit") << QByteArray("0,9CONV,5") << qint64(-1) << false << conv;
    QTest::newRow("csv, tag characters") << QByteArray("0,a.b/c:d+e-f_9,5") << qint64(5) << false
                                         << QStringLiteral("a.b/c:d+e-f_9");
    QTest::newRow("csv, -2^31") << QByteArray("0,ADD,-2147483648") << qint64(2147483648) << false
                                << QStringLiteral("ADD");
    QTest::newRow("csv, below -2^31") << QByteArray("0,ADD,-2147483649") << qint64(0) << true << QStringLiteral("ADD");
    QTest::newRow("csv, 2^32") << QByteArray("0,ADD,4294967296") << qint64(0) << true << QStringLiteral("ADD");
    QTest::newRow("csv, 40 digits") << QByteArray("0,ADD,1234567890123456789012345678901234567890") << qint64(0) << true
                                    << QStringLiteral("ADD");
    QTest::newRow("csv, above half") << QByteArray("0,ADD,2147483649") << qint64(2147483649) << true
                                     << QStringLiteral("ADD");
}

void TestFuzzFindings::tflmLogLineForms()
{
    QFETCH(QByteArray, line);
    QFETCH(qint64, ticks);
    QFETCH(bool, rejected);
    QFETCH(QString, tag);
    const TflmLog log = parseLog(line + "\r\n");
    QCOMPARE(log.lines, qint64(1));
    if (ticks < 0) {
        QCOMPARE(log.ignoredLines, qint64(1));
        QVERIFY(log.runs.empty());
        return;
    }
    QCOMPARE(log.ignoredLines, qint64(0));
    QCOMPARE(log.runs.size(), std::size_t(1));
    QCOMPARE(log.runs[0].events.size(), std::size_t(1));
    const TflmEvent& event = log.runs[0].events[0];
    QCOMPARE(event.tag, tag);
    QCOMPARE(event.rejected(), rejected);
    if (event.rejectReason != TflmRejectReason::OutOfRange)
        QCOMPARE(qint64(event.ticks), ticks);
    QCOMPARE(log.runs[0].totalTicks, rejected ? quint64(0) : quint64(ticks));
}

void TestFuzzFindings::sessionLinesFromFileAndMemory()
{
    // Header, a run line of about 1 MB (longer than the file reader's block), blank and CRLF lines, a line that is not
    // JSON, and a last run line without its '\n'.
    const int longLayers = 60'000;
    QByteArray data = "{\"format\":\"tinyscope-session\",\"version\":1,\"source\":\"test\",\"startedMs\":1}\r\n";
    data += runLineBytes(0, longLayers) + '\n';
    data += "\n   \t\n";
    data += runLineBytes(1, 3) + "\r\n";
    data += "not json\n";
    data += runLineBytes(2, 2);
    QVERIFY(data.size() > 1'000'000);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("long.tsession"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(data), data.size());
    file.close();

    const SessionFileResult fromFile = readSessionFile(path);
    const SessionFileResult fromMemory = parseSessionData(data, path);
    for (const SessionFileResult* read : { &fromFile, &fromMemory }) {
        QVERIFY2(read->ok(), qPrintable(read->error));
        const Capture& capture = read->value->capture;
        QCOMPARE(capture.source, QStringLiteral("test"));
        QCOMPARE(capture.runs.size(), std::size_t(3));
        QCOMPARE(capture.runs[0].layers.size(), std::size_t(longLayers));
        QCOMPARE(capture.runs[0].layers.back().beginTicks, quint32(10 * (longLayers - 1)));
        QCOMPARE(capture.runs[1].layers.size(), std::size_t(3));
        QCOMPARE(capture.runs[2].runIndex, quint32(2));
        // Line 6 is the one that is not JSON (lines 3 and 4 are blank).
        QCOMPARE(read->value->warnings.size(), std::size_t(1));
        QVERIFY2(read->value->warnings[0].startsWith(path + QStringLiteral(":6: not valid JSON")),
            qPrintable(read->value->warnings[0]));
    }
    QVERIFY(fromFile.value->capture.runs == fromMemory.value->capture.runs);

    // What writeSessionFile() writes is sessionFileBytes(), and it reads back unchanged.
    const QString copy = dir.filePath(QStringLiteral("copy.tsession"));
    QString error;
    QVERIFY2(writeSessionFile(copy, fromFile.value->capture, &error), qPrintable(error));
    QFile written(copy);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), sessionFileBytes(fromFile.value->capture));
    const SessionFileResult again = readSessionFile(copy);
    QVERIFY2(again.ok(), qPrintable(again.error));
    QVERIFY(again.value->warnings.empty());
    QVERIFY(again.value->capture.runs == fromFile.value->capture.runs);
}

QTEST_GUILESS_MAIN(TestFuzzFindings)
#include "tst_fuzzfindings.moc"
