// SPDX-License-Identifier: GPL-3.0-or-later
// The board-fit panel on real models: verdicts per board, the boardChanged signal, remembered board, user boards,
// the "Add board" dialog, and a PNG of the panel for people to look at.
#include "boardfitpanel.h"
#include "reportinput.h"
#include "sharedmodels.h"

#include "document/modeldocument.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QFontInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QTest>

#include <map>

using Devices::FitStatus;
using Widgets::BoardFitPanel;

namespace {

constexpr qint64 KiB = 1024;

const QString kVww = QStringLiteral("mlperf_tiny_vww_mobilenet_v1_025_int8.tflite");
const QString kMobilenetV2 = QStringLiteral("coral_mobilenet_v2_100_224_uint8.tflite");
const QString kCustomOp = QStringLiteral("coral_unknown_custom_op.tflite");
const QString kVwwFloat = QStringLiteral("mlperf_tiny_vww_mobilenet_v1_025_fp32.tflite");
const QString kFastestDet = QStringLiteral("nxp_fastestdet_shufflenetv2_person_int8.tflite");

/** What MainWindow does: the panel judges the needs the report library works out from the document. */
void show(BoardFitPanel& panel, const Profiler::ModelDocumentPtr& document)
{
    panel.setDocument(document, document ? Report::fitInputFromDocument(*document) : Devices::FitInput {});
}

} // namespace

class TestBoardFitPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void defaultBoardWithoutModel();
    void fitInputFromDocument();
    void verdictFollowsTheBoard();
    void boardChangedSignal();
    void comboSelectionEmits();
    void remembersLastBoard();
    void userBoardsAndErrors();
    void addBoardDialog();
    void unsupportedOperators();
    void suggestionAndWarningOnRealModels();
    void screenshots();

private:
    Profiler::ModelDocumentPtr document(const QString& file);
    QString userDir() const { return m_tmp.filePath(QStringLiteral("boards")); }

    QTemporaryDir m_tmp;
    std::map<QString, Profiler::ModelDocumentPtr> m_documents;
};

void TestBoardFitPanel::initTestCase()
{
    // Keep the remembered board out of the user's real settings.
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_tmp.isValid());
    QVERIFY(!QFontInfo(QApplication::font()).family().isEmpty()); // without fonts the PNGs are boxes
}

void TestBoardFitPanel::init()
{
    QSettings(QStringLiteral("TinyScope"), QStringLiteral("TinyScope")).remove(QStringLiteral("boardFit"));
    QDir(userDir()).removeRecursively();
}

Profiler::ModelDocumentPtr TestBoardFitPanel::document(const QString& file)
{
    const auto it = m_documents.find(file);
    if (it != m_documents.end())
        return it->second;
    const QString dir = TestHelpers::sharedModelsDir();
    auto result = Profiler::openModelDocument(QDir(dir).filePath(file));
    if (!result)
        qWarning("%s", qUtf8Printable(result.error().userMessage));
    Profiler::ModelDocumentPtr doc = result ? result.value() : nullptr;
    m_documents[file] = doc;
    return doc;
}

void TestBoardFitPanel::defaultBoardWithoutModel()
{
    BoardFitPanel panel;
    panel.setUserBoardsDirectory(userDir());
    QCOMPARE(panel.currentBoardId(), QStringLiteral("stm32f746g-disco"));
    QVERIFY(panel.boardIds().size() >= 8);
    QVERIFY(panel.boardIds().contains(QStringLiteral("qemu-mps2-an386")));
    QVERIFY(!panel.hasVerdict());
    auto* verdict = panel.findChild<QLabel*>(QStringLiteral("verdictLabel"));
    QVERIFY(verdict);
    QCOMPARE(verdict->text(), QStringLiteral("No model open"));
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("coreValue"))->text(), QStringLiteral("Cortex-M7"));
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("clockValue"))->text(), QStringLiteral("216 MHz"));
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("sramValue"))->text(),
        QStringLiteral("320 KiB (one contiguous block)\n+ 8 MiB external (not counted)"));
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("extensionsValue"))->text(),
        QStringLiteral("FPU: single precision · DSP: yes · Helium: no"));
    auto* combo = panel.findChild<QComboBox*>(QStringLiteral("boardCombo"));
    QVERIFY(combo);
    QCOMPARE(combo->itemText(combo->count() - 1), QStringLiteral("Add board..."));
}

void TestBoardFitPanel::fitInputFromDocument()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const auto doc = document(kVww);
    QVERIFY(doc);
    const Devices::FitInput in = Report::fitInputFromDocument(*doc);
    QCOMPARE(in.modelBytes, qint64(333288)); // MANIFEST.md
    QCOMPARE(in.arenaBytes, doc->memory.tflm.arenaBytes);
    QCOMPARE(in.persistentBytes, doc->memory.persistent.totalBytes);
    QCOMPARE(in.reorderedArenaBytes, doc->memory.reorderedBest.arenaBytes);
    QVERIFY(in.unsupportedOperators.isEmpty());
    // Interpreter + CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, FULLY_CONNECTED, RESHAPE, SOFTMAX.
    QCOMPARE(in.runtimeCodeBytes, qint64(16384 + 6144 + 6144 + 3072 + 4096 + 512 + 3072));
}

void TestBoardFitPanel::verdictFollowsTheBoard()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    BoardFitPanel panel;
    panel.setUserBoardsDirectory(userDir());
    auto* verdictLabel = panel.findChild<QLabel*>(QStringLiteral("verdictLabel"));
    auto* flashBar = panel.findChild<QProgressBar*>(QStringLiteral("flashBar"));
    auto* ramBar = panel.findChild<QProgressBar*>(QStringLiteral("ramBar"));
    QVERIFY(verdictLabel && flashBar && ramBar);

    // MLPerf Tiny VWW int8 fits the STM32F746G-DISCO (the default board).
    const auto vww = document(kVww);
    QVERIFY(vww);
    show(panel, vww);
    QVERIFY(panel.hasVerdict());
    QCOMPARE(panel.verdict().overall, FitStatus::Fits);
    QCOMPARE(panel.verdict().flash.budgetBytes, qint64(1024 * KiB - 64 * KiB));
    QCOMPARE(panel.verdict().ram.budgetBytes, qint64(320 * KiB - 16 * KiB));
    const qint64 flashNeeded = 333288 + (16384 + 6144 + 6144 + 3072 + 4096 + 512 + 3072);
    QCOMPARE(panel.verdict().flash.usedBytes, flashNeeded);
    QCOMPARE(flashBar->value(), qRound(1000.0 * double(flashNeeded) / double(1024 * KiB - 64 * KiB)));
    QVERIFY(ramBar->value() > 0 && ramBar->value() < 900);
    QCOMPARE(verdictLabel->text(), QStringLiteral("Fits"));
    QVERIFY(flashBar->text().startsWith(QStringLiteral("Flash: ")));

    // coral MobileNetV2 1.0 224 (3.4 MiB of uint8 weights) does not fit the Arduino Nano 33 BLE Sense.
    show(panel, document(kMobilenetV2));
    panel.selectBoard(QStringLiteral("arduino-nano-33-ble-sense"));
    QCOMPARE(panel.currentBoardId(), QStringLiteral("arduino-nano-33-ble-sense"));
    QCOMPARE(panel.verdict().overall, FitStatus::DoesNotFit);
    QCOMPARE(panel.verdict().flash.status, FitStatus::DoesNotFit);
    QCOMPARE(panel.verdict().ram.status, FitStatus::DoesNotFit);
    QCOMPARE(verdictLabel->text(), QStringLiteral("Does not fit"));
    QCOMPARE(flashBar->value(), 1000); // a full bar when over budget

    // The same model against the ESP32-S3 board: its 8 MiB external flash holds the weights, RAM still does not.
    panel.selectBoard(QStringLiteral("esp32-s3-devkitc-1"));
    QCOMPARE(panel.verdict().flash.status, FitStatus::Fits);
    QCOMPARE(panel.verdict().ram.status, FitStatus::DoesNotFit);

    // And back to VWW on the Nano: it fits there as well.
    show(panel, vww);
    panel.selectBoard(QStringLiteral("arduino-nano-33-ble-sense"));
    QCOMPARE(panel.verdict().overall, FitStatus::Fits);

    show(panel, nullptr);
    QVERIFY(!panel.hasVerdict());
    QCOMPARE(verdictLabel->text(), QStringLiteral("No model open"));
}

void TestBoardFitPanel::boardChangedSignal()
{
    BoardFitPanel panel;
    panel.setUserBoardsDirectory(userDir());
    QSignalSpy spy(&panel, &BoardFitPanel::boardChanged);
    QVERIFY(spy.isValid());

    panel.selectBoard(QStringLiteral("nucleo-h743zi2"));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("nucleo-h743zi2"));
    QCOMPARE(spy.at(0).at(1).toLongLong(), qint64(992 * KiB - 16 * KiB)); // RAM budget
    QCOMPARE(spy.at(0).at(2).toLongLong(), qint64(2048 * KiB - 64 * KiB)); // flash budget

    panel.selectBoard(QStringLiteral("nucleo-h743zi2")); // same board: nothing changes
    panel.selectBoard(QStringLiteral("no-such-board")); // unknown: ignored
    QCOMPARE(spy.count(), 1);
    QCOMPARE(panel.currentBoardId(), QStringLiteral("nucleo-h743zi2"));

    panel.selectBoard(QStringLiteral("rpi-pico"));
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(1).toLongLong(), qint64(264 * KiB - 16 * KiB));
    QCOMPARE(spy.at(1).at(2).toLongLong(), qint64(2048 * KiB - 64 * KiB)); // external QSPI counts on the Pico
}

void TestBoardFitPanel::comboSelectionEmits()
{
    BoardFitPanel panel;
    panel.setUserBoardsDirectory(userDir());
    auto* combo = panel.findChild<QComboBox*>(QStringLiteral("boardCombo"));
    QVERIFY(combo);
    QSignalSpy spy(&panel, &BoardFitPanel::boardChanged);
    const int row = combo->findData(QStringLiteral("qemu-mps2-an386"), Qt::UserRole);
    QVERIFY(row >= 0);
    combo->setCurrentIndex(row);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("qemu-mps2-an386"));
    QCOMPARE(spy.at(0).at(1).toLongLong(), qint64(4096 * KiB - 16 * KiB));
    QCOMPARE(panel.currentBoardId(), QStringLiteral("qemu-mps2-an386"));
}

void TestBoardFitPanel::remembersLastBoard()
{
    {
        BoardFitPanel panel;
        panel.setUserBoardsDirectory(userDir());
        panel.selectBoard(QStringLiteral("sparkfun-edge"));
    }
    BoardFitPanel again;
    QCOMPARE(again.currentBoardId(), QStringLiteral("sparkfun-edge"));
}

void TestBoardFitPanel::userBoardsAndErrors()
{
    QVERIFY(QDir().mkpath(userDir()));
    const auto write = [this](const QString& name, const QByteArray& data) {
        QFile f(QDir(userDir()).filePath(name));
        return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
    };
    QVERIFY(write(QStringLiteral("lab.json"),
        "{ \"id\": \"lab-board\", \"name\": \"Lab board\", \"core\": \"Cortex-M33\", \"clock_hz\": 160000000, "
        "\"sram_bytes\": 786432, \"flash_bytes\": 2097152 }"));
    QVERIFY(write(QStringLiteral("broken.json"), "{ \"id\": \"broken\", "));
    QVERIFY(write(QStringLiteral("clash.json"),
        "{ \"id\": \"rpi-pico\", \"name\": \"Pico clone\", \"core\": \"Cortex-M0+\", \"clock_hz\": 1000000, "
        "\"sram_bytes\": 262144, \"flash_bytes\": 0, \"external_flash\": { \"bytes\": 1048576, \"in_budget\": true } "
        "}"));

    BoardFitPanel panel;
    panel.setUserBoardsDirectory(userDir());
    QVERIFY(panel.boardIds().contains(QStringLiteral("lab-board")));
    QCOMPARE(panel.boardErrors().size(), 2);
    QVERIFY(panel.boardErrors()[0].contains(QStringLiteral("broken.json: not valid JSON")));
    QVERIFY(panel.boardErrors()[1].contains(QStringLiteral("clash.json: board id \"rpi-pico\" is already used")));
    auto* errors = panel.findChild<QLabel*>(QStringLiteral("boardErrorLabel"));
    QVERIFY(errors);
    QVERIFY(!errors->isHidden());
    QVERIFY(errors->text().contains(QStringLiteral("broken.json")));

    QSignalSpy spy(&panel, &BoardFitPanel::boardChanged);
    panel.selectBoard(QStringLiteral("lab-board"));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(1).toLongLong(), qint64(768 * KiB - 16 * KiB));
    auto* combo = panel.findChild<QComboBox*>(QStringLiteral("boardCombo"));
    QCOMPARE(combo->currentText(), QStringLiteral("Lab board (user board)"));
}

void TestBoardFitPanel::addBoardDialog()
{
    BoardFitPanel panel;
    panel.setUserBoardsDirectory(userDir());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QSignalSpy spy(&panel, &BoardFitPanel::boardChanged);

    // Choosing "Add board..." opens the dialog and keeps the current board selected meanwhile.
    auto* combo = panel.findChild<QComboBox*>(QStringLiteral("boardCombo"));
    combo->setCurrentIndex(combo->count() - 1);
    QCOMPARE(panel.currentBoardId(), QStringLiteral("stm32f746g-disco"));
    QDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = panel.findChild<QDialog*>(QStringLiteral("addBoardDialog"))) != nullptr);
    QTRY_VERIFY(dialog->isVisible());

    dialog->findChild<QLineEdit*>(QStringLiteral("boardName"))->setText(QStringLiteral("My STM32U5 board"));
    dialog->findChild<QComboBox*>(QStringLiteral("boardCore"))->setCurrentText(QStringLiteral("Cortex-M33"));
    dialog->findChild<QSpinBox*>(QStringLiteral("boardSramKiB"))->setValue(786);
    dialog->findChild<QSpinBox*>(QStringLiteral("boardFlashKiB"))->setValue(2048);
    dialog->accept();

    QCOMPARE(panel.currentBoardId(), QStringLiteral("my-stm32u5-board"));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(1).toLongLong(), qint64(786 * KiB - 16 * KiB));
    QVERIFY(QFile::exists(QDir(userDir()).filePath(QStringLiteral("my-stm32u5-board.json"))));
    QVERIFY(panel.boardErrors().isEmpty());

    // A second board of the same name gets its own id instead of overwriting the first.
    QCOMPARE(panel.unusedBoardId(QStringLiteral("My STM32U5 board")), QStringLiteral("my-stm32u5-board-2"));
}

void TestBoardFitPanel::unsupportedOperators()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    BoardFitPanel panel;
    panel.setUserBoardsDirectory(userDir());
    show(panel, document(kCustomOp));
    QVERIFY(panel.hasVerdict());
    QCOMPARE(panel.verdict().unsupportedOperators, QStringList { QStringLiteral("fake-op-double") });
    QCOMPARE(panel.verdict().headline, QStringLiteral("Fits in memory, but 1 operator is unsupported"));
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("unsupportedList"));
    QVERIFY(list);
    QVERIFY(!list->isHidden());
    QCOMPARE(list->count(), 1);
    QCOMPARE(list->item(0)->text(), QStringLiteral("fake-op-double (1 layer)"));
    QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("unsupportedHeading"))->text(),
        QStringLiteral("1 operator is not supported by TFLM's kernels:"));
}

void TestBoardFitPanel::suggestionAndWarningOnRealModels()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    BoardFitPanel panel;
    panel.setUserBoardsDirectory(userDir());

    // VWW float32 on the F746 board: its arena does not fit the 304 KiB, the reordered one does.
    const auto vwwFloat = document(kVwwFloat);
    QVERIFY(vwwFloat);
    QVERIFY(vwwFloat->memory.reorderedBest.arenaBytes < vwwFloat->memory.tflm.arenaBytes);
    show(panel, vwwFloat);
    QCOMPARE(panel.verdict().ram.status, FitStatus::DoesNotFit);
    QVERIFY(panel.verdict().reorderedRamStatus.has_value());
    QCOMPARE(*panel.verdict().reorderedRamStatus, FitStatus::Fits);
    QCOMPARE(panel.verdict().reorderSavingBytes,
        vwwFloat->memory.tflm.arenaBytes - vwwFloat->memory.reorderedBest.arenaBytes);
    auto* suggestion = panel.findChild<QLabel*>(QStringLiteral("suggestionLabel"));
    QVERIFY(!suggestion->isHidden());
    QVERIFY2(suggestion->text().contains(QStringLiteral(": then it fits (")), qPrintable(suggestion->text()));

    // NXP FastestDet on the H743: the budget holds its arena, but no single RAM block does.
    show(panel, document(kFastestDet));
    panel.selectBoard(QStringLiteral("nucleo-h743zi2"));
    QCOMPARE(panel.verdict().ram.status, FitStatus::Fits);
    QCOMPARE(panel.verdict().warnings.size(), 1);
    QVERIFY(panel.verdict().warnings[0].contains(QStringLiteral("AXI SRAM (512 KiB)")));
    QVERIFY(!panel.findChild<QLabel*>(QStringLiteral("warningsLabel"))->isHidden());
}

void TestBoardFitPanel::screenshots()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    const auto shot = [this](const QString& file, const QString& board, const QString& model) {
        BoardFitPanel panel;
        panel.setUserBoardsDirectory(userDir());
        panel.selectBoard(board);
        show(panel, document(model));
        panel.resize(560, 720);
        panel.show();
        if (!QTest::qWaitForWindowExposed(&panel))
            return false;
        const QString path = QDir::current().filePath(file);
        const bool saved = panel.grab().save(path);
        qInfo("wrote %s", qUtf8Printable(path));
        return saved;
    };
    QVERIFY(shot(QStringLiteral("boardfitpanel_fits.png"), QStringLiteral("stm32f746g-disco"), kVww));
    QVERIFY(shot(
        QStringLiteral("boardfitpanel_does_not_fit.png"), QStringLiteral("arduino-nano-33-ble-sense"), kMobilenetV2));
    QVERIFY(shot(QStringLiteral("boardfitpanel_unsupported.png"), QStringLiteral("rpi-pico"), kCustomOp));
    QVERIFY(shot(QStringLiteral("boardfitpanel_suggestion.png"), QStringLiteral("stm32f746g-disco"), kVwwFloat));
    QVERIFY(shot(QStringLiteral("boardfitpanel_contiguity.png"), QStringLiteral("nucleo-h743zi2"), kFastestDet));
}

QTEST_MAIN(TestBoardFitPanel)
#include "tst_boardfitpanel.moc"
