// SPDX-License-Identifier: GPL-3.0-or-later
// Session files: round trips (whole and appended), tolerant reading (truncated last line, garbage lines), and
// clear errors for missing files, foreign files and newer versions.
#include "boards/boardprofile.h"
#include "protocol/tflmlogparser.h"
#include "session/capture.h"
#include "session/sessionfile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QTest>

#include <sys/stat.h>

using namespace Devices;

namespace {

/** A capture that uses every field and every corner: optional values, tags with quotes and non-ASCII, all cuts. */
Capture sampleCapture()
{
    Capture c;
    c.source = QStringLiteral("serial /dev/ttyACM0");
    c.startedMs = 1'764'000'000'123;
    c.modelPath = QStringLiteral("/home/me/models/kws \"v2\"\\ds_cnn.tflite");
    c.modelSha256 = QStringLiteral("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    BoardIdentity board;
    board.versionMajor = 1;
    board.versionMinor = 3;
    board.boardName = QStringLiteral("NUCLEO-L4R5ZI \u00b5C");
    board.cpuHz = 120'000'000;
    board.tickHz = 120'000'000;
    board.arenaBytesUsed = std::nullopt;
    board.modelId = 0xFFFFFFFFu;
    c.board = board;
    const RunCut cuts[] = { RunCut::None, RunCut::Disconnected, RunCut::BoardReset, RunCut::Stopped, RunCut::Protocol };
    quint32 index = 0;
    for (const RunCut cut : cuts) {
        CapturedRun run;
        run.runIndex = index == 4 ? 0xFFFFFFFFu : index;
        run.cut = cut;
        run.receivedMs = c.startedMs + 1000 * index;
        if (cut == RunCut::None || cut == RunCut::Protocol)
            run.totalTicks = 4'000'000'000u + index;
        for (int i = 0; i < 5; ++i) {
            LayerSample s;
            s.layerIndex = static_cast<quint16>(i == 4 ? 65535 : i);
            s.opCode = static_cast<quint16>(i == 3 ? 0xFFFF : i * 7);
            s.beginTicks = 0xFFFFFF00u + static_cast<quint32>(i);
            if (i != 2 || cut == RunCut::None)
                s.elapsedTicks = 1000u * static_cast<quint32>(i);
            if (i == 3)
                s.tag = QStringLiteral("My\"Op\"\\\n\t\u00e9\u4e2d\U0001F600");
            run.layers.push_back(s);
        }
        c.runs.push_back(run);
        ++index;
    }
    CapturedRun empty;
    empty.runIndex = 99;
    empty.cut = RunCut::Protocol;
    c.runs.push_back(empty);
    return c;
}

void compareCaptures(const Capture& a, const Capture& b)
{
    QCOMPARE(a.source, b.source);
    QCOMPARE(a.startedMs, b.startedMs);
    QCOMPARE(a.modelPath, b.modelPath);
    QCOMPARE(a.modelSha256, b.modelSha256);
    QCOMPARE(a.board.has_value(), b.board.has_value());
    if (a.board)
        QVERIFY(*a.board == *b.board);
    QCOMPARE(a.runs.size(), b.runs.size());
    for (size_t i = 0; i < a.runs.size(); ++i)
        QVERIFY2(a.runs[i] == b.runs[i], qPrintable(QStringLiteral("run %1 differs").arg(i)));
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray readBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestSessionFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runCutNames()
    {
        const RunCut cuts[]
            = { RunCut::None, RunCut::Disconnected, RunCut::BoardReset, RunCut::Stopped, RunCut::Protocol };
        QStringList names;
        for (const RunCut cut : cuts) {
            const QString name = runCutName(cut);
            QCOMPARE(runCutFromName(name), std::optional<RunCut>(cut));
            QVERIFY(!names.contains(name));
            names << name;
        }
        QCOMPARE(names.join(QLatin1Char(',')), QStringLiteral("none,disconnected,board-reset,stopped,protocol"));
        QVERIFY(!runCutFromName(QStringLiteral("exploded")));
    }

    void wholeFileRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("whole.tsession"));
        const Capture capture = sampleCapture();
        QString error;
        QVERIFY2(writeSessionFile(path, capture, &error), qPrintable(error));
        const SessionFileResult read = readSessionFile(path);
        QVERIFY2(read.ok(), qPrintable(read.error));
        QVERIFY(read.value->warnings.empty());
        compareCaptures(read.value->capture, capture);

        // One JSON object per line: header, board, one per run.
        const QByteArray bytes = readBytes(path);
        QCOMPARE(bytes.count('\n'), 2 + static_cast<int>(capture.runs.size()));
        QVERIFY(bytes.startsWith("{\"format\":\"tinyscope-session\",\"version\":1,"));
    }

    void appendedFileRoundTrip()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("appended.tsession"));
        const Capture full = sampleCapture();
        Capture header = full;
        header.board.reset();
        header.runs.clear();
        QString error;
        std::unique_ptr<SessionFileWriter> writer = SessionFileWriter::create(path, header, &error);
        QVERIFY2(writer, qPrintable(error));
        QVERIFY(writer->writeBoard(*full.board));
        QVERIFY(writer->writeNote(full.startedMs + 5, QStringLiteral("opened /dev/ttyACM0")));
        for (size_t i = 0; i < full.runs.size(); ++i) {
            QVERIFY(writer->writeRun(full.runs[i]));
            // Flushed as it goes: a reader sees every run written so far while the writer is still open.
            const SessionFileResult partial = readSessionFile(path);
            QVERIFY2(partial.ok(), qPrintable(partial.error));
            QCOMPARE(partial.value->capture.runs.size(), i + 1);
        }
        QVERIFY(writer->writeNote(full.startedMs + 9, QStringLiteral("disconnected: \"unplugged\"")));
        const SessionFileResult read = readSessionFile(path);
        QVERIFY2(read.ok(), qPrintable(read.error));
        compareCaptures(read.value->capture, full);
        QCOMPARE(read.value->notes,
            (std::vector<QString> {
                QStringLiteral("opened /dev/ttyACM0"), QStringLiteral("disconnected: \"unplugged\"") }));
    }

    void writerKeepsWhatTheCaptureHeld()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("late.tsession"));
        const Capture full = sampleCapture();
        QString error;
        QVERIFY(SessionFileWriter::create(path, full, &error));
        const SessionFileResult read = readSessionFile(path);
        QVERIFY2(read.ok(), qPrintable(read.error));
        compareCaptures(read.value->capture, full);
    }

    void truncatedLastLine()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("crash.tsession"));
        const Capture capture = sampleCapture();
        QString error;
        QVERIFY(writeSessionFile(path, capture, &error));
        QByteArray bytes = readBytes(path);
        // Cut the last run line in the middle, as a crash while writing it would.
        const qsizetype lastStart = bytes.lastIndexOf('\n', bytes.size() - 2) + 1;
        const int lastLine = static_cast<int>(bytes.left(lastStart).count('\n')) + 1;
        bytes.truncate(lastStart + 20);
        QVERIFY(writeBytes(path, bytes));

        const SessionFileResult read = readSessionFile(path);
        QVERIFY2(read.ok(), qPrintable(read.error));
        QCOMPARE(read.value->capture.runs.size(), capture.runs.size() - 1);
        for (size_t i = 0; i + 1 < capture.runs.size(); ++i)
            QVERIFY(read.value->capture.runs[i] == capture.runs[i]);
        QCOMPARE(read.value->warnings.size(), size_t(1));
        const QString warning = read.value->warnings.front();
        QVERIFY2(warning.startsWith(path + QLatin1Char(':') + QString::number(lastLine) + QStringLiteral(": ")),
            qPrintable(warning));
        QVERIFY2(warning.contains(QStringLiteral("incomplete")), qPrintable(warning));
    }

    void garbageLinesAreSkipped()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("garbage.tsession"));
        const Capture capture = sampleCapture();
        QString error;
        QVERIFY(writeSessionFile(path, capture, &error));
        QList<QByteArray> lines = readBytes(path).split('\n');
        // Line 4 (after header, board and the first run) is binary junk; line 6 (the third run) gets a bad field;
        // an unknown type and an array at the end.
        lines.insert(3, QByteArray("\x00\xff\xfe garbage {\"type\":", 20));
        lines[5] = QByteArray(lines[5]).replace("\"cut\":\"", "\"cut\":\"x");
        lines.insert(lines.size() - 1, "{\"type\":\"future-thing\",\"x\":1}");
        lines.insert(lines.size() - 1, "[1,2,3]");
        QVERIFY(writeBytes(path, lines.join('\n')));

        const SessionFileResult read = readSessionFile(path);
        QVERIFY2(read.ok(), qPrintable(read.error));
        const std::vector<QString>& warnings = read.value->warnings;
        QCOMPARE(warnings.size(), size_t(4));
        QVERIFY2(warnings[0].startsWith(path + QStringLiteral(":4: not valid JSON")), qPrintable(warnings[0]));
        QVERIFY2(warnings[1].startsWith(path + QStringLiteral(":6: bad run line")), qPrintable(warnings[1]));
        QVERIFY2(warnings[2].contains(QStringLiteral("future-thing")), qPrintable(warnings[2]));
        QVERIFY2(warnings[3].contains(QStringLiteral("not a JSON object")), qPrintable(warnings[3]));
        // Every run but the damaged one is kept, before and after the junk.
        std::vector<CapturedRun> expected = capture.runs;
        expected.erase(expected.begin() + 2);
        QCOMPARE(read.value->capture.runs.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i)
            QVERIFY(read.value->capture.runs[i] == expected[i]);
    }

    void garbageFloodWarningsAreBounded()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("flood.tsession"));
        QString error;
        QVERIFY(writeSessionFile(path, sampleCapture(), &error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        for (int i = 0; i < 5000; ++i)
            f.write("not json\n");
        f.close();
        const SessionFileResult read = readSessionFile(path);
        QVERIFY(read.ok());
        QCOMPARE(read.value->warnings.size(), size_t(101));
        QVERIFY(read.value->warnings.back().contains(QStringLiteral("4900 more")));
        QCOMPARE(read.value->capture.runs.size(), sampleCapture().runs.size());
    }

    void missingFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("nope.tsession"));
        const SessionFileResult read = readSessionFile(path);
        QVERIFY(!read.ok());
        QVERIFY2(read.error.contains(path), qPrintable(read.error));
        QVERIFY2(read.error.contains(QStringLiteral("No such file")), qPrintable(read.error));
    }

    void unwritablePaths()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("no/such/dir/x.tsession"));
        QString error;
        QVERIFY(!SessionFileWriter::create(path, Capture {}, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        error.clear();
        QVERIFY(!writeSessionFile(path, Capture {}, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
    }

    void notASessionFile_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::addRow("empty") << QByteArray() << QStringLiteral("is empty");
        QTest::addRow("blank lines") << QByteArray("\n\n  \n") << QStringLiteral("is empty");
        QTest::addRow("a TFLite file") << QByteArray("\x1c\x00\x00\x00TFL3\x00\x00\x00\x00", 12)
                                       << QStringLiteral(":1: not a TinyScope session");
        QTest::addRow("JSON of another kind")
            << QByteArray("{\"format\":\"other\",\"version\":1}\n") << QStringLiteral(":1: not a TinyScope session");
        QTest::addRow("run line first") << QByteArray("{\"type\":\"run\",\"run\":0,\"cut\":\"none\",\"layers\":[]}\n")
                                        << QStringLiteral(":1: not a TinyScope session");
        QTest::addRow("no version") << QByteArray("{\"format\":\"tinyscope-session\"}\n")
                                    << QStringLiteral("no valid \"version\"");
        QTest::addRow("newer version") << QByteArray("{\"format\":\"tinyscope-session\",\"version\":2}\n")
                                       << QStringLiteral("version 2 is newer");
    }

    void notASessionFile()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("wrong.tsession"));
        QVERIFY(writeBytes(path, bytes));
        const SessionFileResult read = readSessionFile(path);
        QVERIFY(!read.ok());
        QVERIFY2(read.error.startsWith(path), qPrintable(read.error));
        QVERIFY2(read.error.contains(reason), qPrintable(read.error));
    }

    void documentedExampleReads()
    {
        // The example in docs/session-file.md, verbatim.
        const QByteArray example
            = "{\"format\":\"tinyscope-session\",\"version\":1,\"source\":\"serial /dev/ttyACM0\","
              "\"startedMs\":1764000000000,\"model\":\"kws.tflite\",\"modelSha256\":\"\"}\n"
              "{\"type\":\"note\",\"ms\":1764000000001,\"text\":\"opened /dev/ttyACM0 at 115200 baud\"}\n"
              "{\"type\":\"board\",\"versionMajor\":1,\"versionMinor\":0,\"name\":\"NUCLEO-L4R5ZI\","
              "\"cpuHz\":120000000,\"tickHz\":120000000,\"arenaBytesUsed\":21504,\"modelId\":3237998081}\n"
              "{\"type\":\"run\",\"run\":0,\"cut\":\"none\",\"totalTicks\":5190,\"receivedMs\":1764000000412,"
              "\"layers\":[[0,3,1000,2480],[1,4,3490,1700,\"MyOp\"],[2,25,5200,1010]]}\n"
              "{\"type\":\"run\",\"run\":1,\"cut\":\"disconnected\",\"totalTicks\":null,\"receivedMs\":1764000000530,"
              "\"layers\":[[0,3,9000,2478],[1,4,11480,null,\"MyOp\"]]}\n"
              "{\"type\":\"note\",\"ms\":1764000000530,\"text\":\"disconnected: /dev/ttyACM0: Input/output error "
              "(read error)\"}\n";
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("example.tsession"));
        QVERIFY(writeBytes(path, example));
        const SessionFileResult read = readSessionFile(path);
        QVERIFY2(read.ok(), qPrintable(read.error));
        QVERIFY(read.value->warnings.empty());
        const Capture& c = read.value->capture;
        QCOMPARE(c.runs.size(), size_t(2));
        QCOMPARE(c.board->modelId, 3237998081u);
        QCOMPARE(c.board->arenaBytesUsed, std::optional<quint32>(21504u));
        QCOMPARE(c.runs[0].layers[1].tag, QStringLiteral("MyOp"));
        QCOMPARE(c.runs[0].layers[1].elapsedTicks, std::optional<quint32>(1700u));
        QCOMPARE(c.runs[1].cut, RunCut::Disconnected);
        QCOMPARE(c.runs[1].layers[1].elapsedTicks, std::optional<quint32>());
        QCOMPARE(read.value->notes.size(), size_t(2));
        // Writing it back gives the same lines (notes aside: a whole-capture write has none).
        QString error;
        const QString again = dir.filePath(QStringLiteral("again.tsession"));
        QVERIFY(writeSessionFile(again, c, &error));
        QList<QByteArray> expected;
        for (const QByteArray& line : example.split('\n')) {
            if (!line.isEmpty() && !line.contains("\"type\":\"note\""))
                expected << line;
        }
        QCOMPARE(readBytes(again).trimmed().split('\n'), expected);
    }

    void overlongLinesAreSkipped()
    {
        // A line far longer than any run (the most layers the protocol numbers make about 3 MB) is skipped with a
        // warning, from a file without being held whole, from memory alike; the lines around it are read.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString whole = dir.filePath(QStringLiteral("whole.tsession"));
        QString error;
        Capture capture = sampleCapture();
        QVERIFY2(writeSessionFile(whole, capture, &error), qPrintable(error));
        const QList<QByteArray> lines = readBytes(whole).trimmed().split('\n');
        QVERIFY(lines.size() >= 3);
        const QByteArray huge((17 << 20) + 123, 'x');
        // Just over the limit: a file source finds its '\n' in the block that crosses 16 MiB, so it holds the line
        // and the reader's own length rule must skip it, as for the longer lines the source drops unread.
        const QByteArray justOver((16 << 20) + 1000, 'x');
        QByteArray data = lines.first() + '\n' + justOver + '\n';
        for (qsizetype i = 1; i < lines.size(); ++i)
            data += lines[i] + '\n';
        data += huge; // and a last line without its '\n'
        const QString path = dir.filePath(QStringLiteral("overlong.tsession"));
        QVERIFY(writeBytes(path, data));
        for (const SessionFileResult& read : { readSessionFile(path), parseSessionData(data, path) }) {
            QVERIFY2(read.ok(), qPrintable(read.error));
            QCOMPARE(read.value->capture.runs.size(), capture.runs.size());
            QCOMPARE(read.value->warnings.size(), size_t(2));
            QCOMPARE(read.value->warnings[0], path + QStringLiteral(":2: a line over 16 MiB, longer than any run can be; skipped"));
            QVERIFY2(read.value->warnings[1].startsWith(path + QStringLiteral(":%1: a line over 16 MiB").arg(lines.size() + 2)),
                qPrintable(read.value->warnings[1]));
        }
        // A first line that long is not a session file at all.
        QVERIFY(writeBytes(path, huge + '\n' + lines.first() + '\n'));
        const SessionFileResult notSession = readSessionFile(path);
        QVERIFY(!notSession.ok());
        QCOMPARE(notSession.error, path + QStringLiteral(":1: not a TinyScope session file (its first line is over 16 MiB)"));
    }

    void pipesDevicesAndHugeFilesAreRefused()
    {
        // A named pipe would block the reader's open() until something writes to it, a device would never end:
        // the readers of files a user names (session file, TFLM log, board profile) refuse both, naming the path.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fifo = dir.filePath(QStringLiteral("capture.fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        for (const QString& path : { fifo, QStringLiteral("/dev/zero") }) {
            const SessionFileResult session = readSessionFile(path);
            QVERIFY(!session.ok());
            QVERIFY2(session.error.contains(path + QStringLiteral(": not a regular file")), qPrintable(session.error));
            const TflmLogFileResult log = parseTflmLogFile(path);
            QVERIFY(!log.ok());
            QVERIFY2(log.error.contains(path + QStringLiteral(": not a regular file")), qPrintable(log.error));
            const auto board = loadBoardProfileFile(path);
            QVERIFY(!board);
            QVERIFY2(board.error.startsWith(path + QStringLiteral(": not a regular file")), qPrintable(board.error));
        }
        // A board profile is a few KB: a file over 1 MiB is refused unread.
        const QString big = dir.filePath(QStringLiteral("big.json"));
        QVERIFY(writeBytes(big, QByteArray(2 * 1024 * 1024, ' ')));
        const auto board = loadBoardProfileFile(big);
        QVERIFY(!board);
        QCOMPARE(board.error, big + QStringLiteral(": 2097152 bytes, too large for a board profile (at most 1 MiB)"));
    }
};

QTEST_GUILESS_MAIN(TestSessionFile)
#include "tst_sessionfile.moc"
