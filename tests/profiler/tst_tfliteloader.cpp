// SPDX-License-Identifier: GPL-3.0-or-later
// Loader behaviour that needs no real model: operator names, and inputs that are not models at all.
#include "tflite/tfliteloader.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace Profiler;

class TestTfliteLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtinNames();
    void notAModel_data();
    void notAModel();
    void fileErrors();
};

void TestTfliteLoader::builtinNames()
{
    QCOMPARE(builtinOperatorCount(), 210);
    QCOMPARE(builtinOperatorName(0), QStringLiteral("ADD"));
    QCOMPARE(builtinOperatorName(3), QStringLiteral("CONV_2D"));
    QCOMPARE(builtinOperatorName(32), QStringLiteral("CUSTOM"));
    QCOMPARE(builtinOperatorName(44), QStringLiteral("UNIDIRECTIONAL_SEQUENCE_LSTM"));
    QCOMPARE(builtinOperatorName(126), QStringLiteral("BATCH_MATMUL"));
    QCOMPARE(builtinOperatorName(129), QStringLiteral("CALL_ONCE"));
    QCOMPARE(builtinOperatorName(150), QStringLiteral("GELU"));
    QCOMPARE(builtinOperatorName(209), QStringLiteral("STABLEHLO_CASE"));
    QVERIFY(builtinOperatorName(210).isEmpty());
    QVERIFY(builtinOperatorName(-1).isEmpty());
    for (int code = 0; code < builtinOperatorCount(); ++code) {
        const QString name = builtinOperatorName(code);
        QVERIFY2(!name.isEmpty(), qPrintable(QString::number(code)));
        QCOMPARE(builtinOperatorCode(name), code);
    }
    QCOMPARE(builtinOperatorCode(QStringLiteral("NOT_AN_OP")), -1);
}

void TestTfliteLoader::notAModel_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reason");
    QTest::addRow("empty") << QByteArray() << "the file is empty";
    QTest::addRow("3 bytes") << QByteArray("abc") << "too small";
    QTest::addRow("wrong identifier") << QByteArray("\x10\0\0\0ONNX\0\0\0\0\0\0\0\0", 16)
                                      << "missing the TFL3 identifier at byte 4 (found \"ONNX\")";
    QTest::addRow("ONNX from a converter")
        << QByteArray("\x08\x04\x12\x0akeras2onnx\x1a\x05" "1.7.0", 21)
        << "this is an ONNX model (IR version 4, made by \"keras2onnx\"), not a TensorFlow Lite file";
    QTest::addRow("ONNX, graph first") << QByteArray("\x08\x07\x3a\xb2\xce\x01\x0a\x62", 8)
                                       << "this is an ONNX model (IR version 7), not a TensorFlow Lite file";
    QTest::addRow("Keras HDF5") << QByteArray("\x89HDF\r\n\x1a\n\0\0\0\0", 12) << "an HDF5 file (a Keras .h5 model?)";
    QTest::addRow("zip archive") << QByteArray("PK\x03\x04\x14\0\0\0", 8) << "a zip archive";
    QTest::addRow("png header") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << "missing the TFL3 identifier";
    QTest::addRow("root offset past the end")
        << QByteArray("\xff\0\0\0TFL3\0\0\0\0", 12) << "the model table starts at byte 255";
    QTest::addRow("identifier only") << QByteArray("\x08\0\0\0TFL3", 8) << "truncated or corrupt";
    QRandomGenerator rng(20261126);
    for (int i = 0; i < 20; ++i) {
        QByteArray noise(16 + static_cast<int>(rng.bounded(4096)), Qt::Uninitialized);
        for (char& c : noise)
            c = static_cast<char>(rng.bounded(256));
        if (i % 2 == 0)
            noise.replace(4, 4, "TFL3"); // noise that passes the identifier check must fail later
        QTest::addRow("random bytes %d", i) << noise << QString();
    }
}

void TestTfliteLoader::notAModel()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reason);
    const auto r = loadTfliteData(bytes, QStringLiteral("input.tflite"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, ErrorKind::InvalidInput);
    QVERIFY2(r.error().userMessage.startsWith(QLatin1String("input.tflite: ")), qPrintable(r.error().userMessage));
    QVERIFY2(r.error().userMessage.contains(reason), qPrintable(r.error().userMessage));
}

void TestTfliteLoader::fileErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("missing.tflite"));
    auto r = loadTfliteFile(missing);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().kind, ErrorKind::Io);
    QCOMPARE(r.error().userMessage, missing + QStringLiteral(": no such file"));

    r = loadTfliteFile(dir.path());
    QVERIFY(!r.ok());
    QVERIFY(r.error().userMessage.contains(QLatin1String("is a folder")));

    const QString empty = dir.filePath(QStringLiteral("empty.tflite"));
    QFile f(empty);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    r = loadTfliteFile(empty);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().userMessage, empty + QStringLiteral(": the file is empty"));

    // A named pipe would block the open until something writes to it; a device would never end.
    const QString fifo = dir.filePath(QStringLiteral("model.fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    for (const QString& path : { fifo, QStringLiteral("/dev/zero") }) {
        r = loadTfliteFile(path);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().userMessage, path + QStringLiteral(": not a regular file (a device or a pipe?)"));
    }
}

QTEST_GUILESS_MAIN(TestTfliteLoader)
#include "tst_tfliteloader.moc"
