// SPDX-License-Identifier: GPL-3.0-or-later
// parseSessionData(): a session file read from memory (the fuzz target's entry point) must give exactly what
// readSessionFile() gives for the same bytes on disk, with the display name in every message.
#include "session/sessionfile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace Devices;

namespace {

Capture smallCapture()
{
    Capture c;
    c.source = QStringLiteral("simulated board");
    c.startedMs = 1'764'000'000'000;
    c.modelPath = QStringLiteral("/models/kws.tflite");
    BoardIdentity board;
    board.versionMajor = 1;
    board.boardName = QStringLiteral("sim \u00b5C");
    board.arenaBytesUsed = 20'480;
    c.board = board;
    for (quint32 i = 0; i < 3; ++i) {
        CapturedRun run;
        run.runIndex = i;
        run.cut = i == 2 ? RunCut::Disconnected : RunCut::None;
        if (run.cut == RunCut::None)
            run.totalTicks = 3000 + i;
        for (quint16 layer = 0; layer < 4; ++layer) {
            LayerSample s;
            s.layerIndex = layer;
            s.opCode = layer;
            s.beginTicks = 1000u * layer;
            if (!(i == 2 && layer == 3))
                s.elapsedTicks = 700u + layer + i;
            run.layers.push_back(s);
        }
        c.runs.push_back(run);
    }
    return c;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestSessionData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameAsFile_data();
    void sameAsFile();
    void errorsNameTheSource();
};

void TestSessionData::sameAsFile_data()
{
    QTest::addColumn<QByteArray>("suffix");
    QTest::addRow("clean") << QByteArray();
    QTest::addRow("bad lines and a cut last line")
        << QByteArray("not json\n{\"type\":\"run\",\"run\":5,\"cut\":\"x\",\"layers\":[]}\n{\"type\":\"note\",\"ms\":1,"
                      "\"text\":\"disconnected\"}\n{\"type\":\"run\",\"run\":6,\"cut\":\"none\",\"layers\":[[0,");
}

void TestSessionData::sameAsFile()
{
    QFETCH(QByteArray, suffix);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString written = dir.filePath(QStringLiteral("written.tsession"));
    QString error;
    QVERIFY2(writeSessionFile(written, smallCapture(), &error), qPrintable(error));
    const QByteArray bytes = readAll(written) + suffix;
    const QString path = dir.filePath(QStringLiteral("s.tsession"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    QCOMPARE(out.write(bytes), bytes.size());
    out.close();

    const SessionFileResult fromFile = readSessionFile(path);
    const SessionFileResult fromData = parseSessionData(bytes, path);
    QVERIFY2(fromFile.ok(), qPrintable(fromFile.error));
    QVERIFY2(fromData.ok(), qPrintable(fromData.error));
    const Capture& a = fromFile.value->capture;
    const Capture& b = fromData.value->capture;
    QCOMPARE(b.runs.size(), smallCapture().runs.size());
    QVERIFY(a.runs == b.runs);
    QVERIFY(b.runs == smallCapture().runs);
    QVERIFY(a.board == b.board);
    QCOMPARE(b.source, a.source);
    QCOMPARE(b.startedMs, a.startedMs);
    QCOMPARE(b.modelPath, a.modelPath);
    QCOMPARE(fromData.value->notes, fromFile.value->notes);
    QCOMPARE(fromData.value->warnings, fromFile.value->warnings);
    QCOMPARE(fromData.value->warnings.empty(), suffix.isEmpty());
}

void TestSessionData::errorsNameTheSource()
{
    const SessionFileResult empty = parseSessionData(QByteArray(), QStringLiteral("pasted.tsession"));
    QVERIFY(!empty.ok());
    QVERIFY2(empty.error.contains(QStringLiteral("pasted.tsession")), qPrintable(empty.error));
    const SessionFileResult notOurs
        = parseSessionData(QByteArray("{\"format\":\"other\",\"version\":1}\n"), QStringLiteral("pasted.tsession"));
    QVERIFY(!notOurs.ok());
    QVERIFY2(notOurs.error.startsWith(QStringLiteral("pasted.tsession:1:")), qPrintable(notOurs.error));
    const SessionFileResult bad = parseSessionData(
        QByteArray("{\"format\":\"tinyscope-session\",\"version\":1}\n[1,2]\n"), QStringLiteral("pasted.tsession"));
    QVERIFY2(bad.ok(), qPrintable(bad.error));
    QCOMPARE(bad.value->warnings.size(), std::size_t(1));
    QVERIFY2(bad.value->warnings.front().startsWith(QStringLiteral("pasted.tsession:2:")),
        qPrintable(bad.value->warnings.front()));
}

QTEST_GUILESS_MAIN(TestSessionData)
#include "tst_sessiondata.moc"
