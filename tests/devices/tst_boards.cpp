// SPDX-License-Identifier: GPL-3.0-or-later
// Board profiles (built-in, user, bad files, save/reload) and the fit verdict with hand-computed numbers.
#include "boards/boardfit.h"
#include "boards/boardprofile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest/QTest>

#include <cmath>
#include <limits>
#include <set>

using namespace Devices;

Q_DECLARE_METATYPE(Devices::FitStatus)
Q_DECLARE_METATYPE(Devices::FpuKind)
Q_DECLARE_METATYPE(Devices::CycleCounter)

namespace {

constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * 1024;

/** A board with round budgets for hand computation: RAM 300 KiB = 307,200 B, flash 1,000,000 B. */
BoardProfile roundBoard()
{
    BoardProfile b;
    b.id = QStringLiteral("round");
    b.name = QStringLiteral("Round numbers");
    b.core = QStringLiteral("Cortex-M4");
    b.clockHz = 100'000'000;
    b.sramBytes = 320 * KiB;
    b.reservedRamBytes = 20 * KiB;
    b.flashBytes = 1 * MiB;
    b.reservedFlashBytes = MiB - 1'000'000;
    return b;
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

/** A minimal valid profile with `field` replaced by `value` (raw JSON), or removed when value is empty. */
QByteArray profileWith(const QString& field, const QString& value)
{
    QStringList fields = {
        QStringLiteral("\"id\": \"test-board\""),
        QStringLiteral("\"name\": \"Test board\""),
        QStringLiteral("\"core\": \"Cortex-M4\""),
        QStringLiteral("\"clock_hz\": 80000000"),
        QStringLiteral("\"sram_bytes\": 131072"),
        QStringLiteral("\"flash_bytes\": 524288"),
    };
    bool replaced = false;
    for (auto it = fields.begin(); it != fields.end();) {
        if (it->startsWith(QLatin1Char('"') + field + QLatin1Char('"'))) {
            replaced = true;
            if (value.isEmpty()) {
                it = fields.erase(it);
                continue;
            }
            *it = QLatin1Char('"') + field + QStringLiteral("\": ") + value;
        }
        ++it;
    }
    if (!replaced && !value.isEmpty())
        fields << QLatin1Char('"') + field + QStringLiteral("\": ") + value;
    return (QStringLiteral("{ ") + fields.join(QStringLiteral(", ")) + QStringLiteral(" }")).toUtf8();
}

const BoardProfile* findBoard(const std::vector<BoardProfile>& boards, const QString& id)
{
    for (const auto& b : boards) {
        if (b.id == id)
            return &b;
    }
    return nullptr;
}

} // namespace

class TestBoards : public QObject
{
    Q_OBJECT

private slots:
    void everyResourceFileIsInTheQrc();
    void builtinBoardsLoad();
    void builtinFacts_data();
    void builtinFacts();
    void largestContiguousRam_data();
    void largestContiguousRam();
    void minimalProfileDefaults();
    void badProfiles_data();
    void badProfiles();
    void unreadableFile();
    void userBoardsDir();
    void userBoardsDuplicateId();
    void missingUserDir();
    void saveAndReload();
    void saveRejectsInvalidBoard();
    void makeBoardId_data();
    void makeBoardId();

    void classifyUsage_data();
    void classifyUsage();
    void judgeFit_data();
    void judgeFit();
    void reorderSuggestion_data();
    void reorderSuggestion();
    void contiguityWarning();
    void unsupportedOperators();
    void details();
    void noBudgetLeft();
    void formatByteSize_data();
    void formatByteSize();
    void formatPercent_data();
    void formatPercent();
    void codeSizeTable();
    void codeSizeEstimate();
    void badCodeSizeTable();
};

void TestBoards::everyResourceFileIsInTheQrc()
{
    // A JSON added to resources/boards but not to devices/CMakeLists.txt would silently never load.
    const QDir source(QStringLiteral(TINYSCOPE_SOURCE_DIR "/resources/boards"));
    QVERIFY(source.exists());
    const QStringList onDisk = source.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    const QStringList inQrc
        = QDir(QStringLiteral(":/tinyscope/boards")).entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    QVERIFY(!onDisk.isEmpty());
    QCOMPARE(inQrc, onDisk);
}

void TestBoards::builtinBoardsLoad()
{
    const BoardList list = builtinBoards();
    QVERIFY2(list.errors.isEmpty(), qPrintable(list.errors.join(QLatin1Char('\n'))));
    QVERIFY(list.boards.size() >= 8);
    QVERIFY(findBoard(list.boards, defaultBoardId()));

    std::set<QString> ids;
    static const QRegularExpression vidPid(QStringLiteral("^[0-9a-f]{4}:[0-9a-f]{4}$"));
    for (const auto& b : list.boards) {
        const QString what = b.id;
        QVERIFY2(ids.insert(b.id).second, qPrintable(what));
        QVERIFY(b.builtin);
        QCOMPARE(QFileInfo(b.sourcePath).completeBaseName(), b.id); // file name = id
        QVERIFY2(!b.name.isEmpty() && !b.vendor.isEmpty() && !b.mcu.isEmpty() && !b.core.isEmpty(), qPrintable(what));
        QVERIFY2(b.clockHz >= 1'000'000 && b.clockHz <= 1'000'000'000, qPrintable(what));
        QVERIFY2(b.sramBytes >= 64 * KiB && b.sramBytes <= 8 * MiB, qPrintable(what));
        QVERIFY2(b.totalFlashBytes() >= 256 * KiB && b.totalFlashBytes() <= 64 * MiB, qPrintable(what));
        QVERIFY2(b.reservedRamBytes > 0 && b.reservedRamBytes < b.sramBytes / 2, qPrintable(what));
        QVERIFY2(b.reservedFlashBytes > 0 && b.reservedFlashBytes < b.totalFlashBytes() / 2, qPrintable(what));
        QVERIFY2(b.ramBudgetBytes() > 0 && b.flashBudgetBytes() > 0, qPrintable(what));
        QVERIFY2(!b.ramRegions.empty(), qPrintable(what));
        QVERIFY2(!b.sramNote.isEmpty(), qPrintable(what));
        QVERIFY2(!b.notes.isEmpty(), qPrintable(what));
        QVERIFY2(!b.sources.isEmpty(), qPrintable(what)); // every number has a datasheet behind it
        for (const QString& id : b.usbVidPid)
            QVERIFY2(vidPid.match(id).hasMatch(), qPrintable(what + QLatin1Char(' ') + id));
    }
    // Sorted by name for the combo box.
    for (std::size_t i = 1; i < list.boards.size(); ++i)
        QVERIFY(QString::compare(list.boards[i - 1].name, list.boards[i].name, Qt::CaseInsensitive) <= 0);
}

void TestBoards::builtinFacts_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("core");
    QTest::addColumn<qint64>("clockHz");
    QTest::addColumn<qint64>("sramBytes");
    QTest::addColumn<qint64>("flashBytes");
    QTest::addColumn<qint64>("externalFlashBytes");
    QTest::addColumn<bool>("externalFlashInBudget");
    QTest::addColumn<FpuKind>("fpu");
    QTest::addColumn<bool>("dsp");
    QTest::addColumn<CycleCounter>("cycles");
    QTest::addColumn<QString>("usb");

    QTest::addRow("STM32F746G-DISCO") << QStringLiteral("stm32f746g-disco") << QStringLiteral("Cortex-M7")
                                      << qint64(216'000'000) << 320 * KiB << 1 * MiB << 16 * MiB << false
                                      << FpuKind::SinglePrecision << true << CycleCounter::Dwt
                                      << QStringLiteral("0483:374b");
    QTest::addRow("NUCLEO-H743ZI2") << QStringLiteral("nucleo-h743zi2") << QStringLiteral("Cortex-M7")
                                    << qint64(480'000'000) << 992 * KiB << 2 * MiB << qint64(0) << false
                                    << FpuKind::DoublePrecision << true << CycleCounter::Dwt
                                    << QStringLiteral("0483:374e");
    QTest::addRow("NUCLEO-L4R5ZI") << QStringLiteral("nucleo-l4r5zi") << QStringLiteral("Cortex-M4")
                                   << qint64(120'000'000) << 640 * KiB << 2 * MiB << qint64(0) << false
                                   << FpuKind::SinglePrecision << true << CycleCounter::Dwt
                                   << QStringLiteral("0483:374b");
    QTest::addRow("Nano 33 BLE Sense") << QStringLiteral("arduino-nano-33-ble-sense") << QStringLiteral("Cortex-M4")
                                       << qint64(64'000'000) << 256 * KiB << 1 * MiB << qint64(0) << false
                                       << FpuKind::SinglePrecision << true << CycleCounter::Dwt
                                       << QStringLiteral("2341:805a");
    QTest::addRow("Pico (RP2040): 264 KiB")
        << QStringLiteral("rpi-pico") << QStringLiteral("Cortex-M0+") << qint64(133'000'000) << 264 * KiB << qint64(0)
        << 2 * MiB << true << FpuKind::None << false << CycleCounter::None << QStringLiteral("2e8a:000a");
    QTest::addRow("ESP32-S3-DevKitC-1") << QStringLiteral("esp32-s3-devkitc-1") << QStringLiteral("Xtensa LX7")
                                        << qint64(240'000'000) << 512 * KiB << qint64(0) << 8 * MiB << true
                                        << FpuKind::SinglePrecision << true << CycleCounter::Ccount
                                        << QStringLiteral("10c4:ea60");
    QTest::addRow("SparkFun Edge") << QStringLiteral("sparkfun-edge") << QStringLiteral("Cortex-M4")
                                   << qint64(48'000'000) << 384 * KiB << 1 * MiB << qint64(0) << false
                                   << FpuKind::SinglePrecision << true << CycleCounter::Dwt << QString();
    QTest::addRow("QEMU mps2-an386") << QStringLiteral("qemu-mps2-an386") << QStringLiteral("Cortex-M4")
                                     << qint64(25'000'000) << 4 * MiB << 4 * MiB << qint64(0) << false
                                     << FpuKind::SinglePrecision << true << CycleCounter::None << QString();
}

void TestBoards::builtinFacts()
{
    QFETCH(QString, id);
    QFETCH(QString, core);
    QFETCH(qint64, clockHz);
    QFETCH(qint64, sramBytes);
    QFETCH(qint64, flashBytes);
    QFETCH(qint64, externalFlashBytes);
    QFETCH(bool, externalFlashInBudget);
    QFETCH(FpuKind, fpu);
    QFETCH(bool, dsp);
    QFETCH(CycleCounter, cycles);
    QFETCH(QString, usb);

    const BoardList list = builtinBoards();
    const BoardProfile* b = findBoard(list.boards, id);
    QVERIFY(b);
    QCOMPARE(b->core, core);
    QCOMPARE(b->clockHz, clockHz);
    QCOMPARE(b->sramBytes, sramBytes);
    QCOMPARE(b->flashBytes, flashBytes);
    QCOMPARE(b->externalFlash.bytes, externalFlashBytes);
    QCOMPARE(b->externalFlash.inBudget, externalFlashInBudget);
    QCOMPARE(b->fpu, fpu);
    QCOMPARE(b->dsp, dsp);
    QCOMPARE(b->helium, false); // none of the built-in boards has an Armv8.1-M core
    QCOMPARE(b->cycleCounter, cycles);
    if (usb.isEmpty())
        QVERIFY(b->usbVidPid.isEmpty());
    else
        QCOMPARE(b->usbVidPid.value(0), usb);
}

void TestBoards::largestContiguousRam_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("name");
    QTest::addRow("F746: DTCM+SRAM1+SRAM2 back to back")
        << QStringLiteral("stm32f746g-disco") << 320 * KiB << QStringLiteral("DTCM RAM + SRAM1 + SRAM2");
    QTest::addRow("H743: AXI SRAM is the largest block")
        << QStringLiteral("nucleo-h743zi2") << 512 * KiB << QStringLiteral("AXI SRAM");
    QTest::addRow("RP2040: all six banks")
        << QStringLiteral("rpi-pico") << 264 * KiB << QStringLiteral("SRAM0-3 (striped) + SRAM4 + SRAM5");
    QTest::addRow("ESP32-S3: one region without address")
        << QStringLiteral("esp32-s3-devkitc-1") << 512 * KiB << QStringLiteral("Internal SRAM");
}

void TestBoards::largestContiguousRam()
{
    QFETCH(QString, id);
    QFETCH(qint64, bytes);
    QFETCH(QString, name);
    const BoardList list = builtinBoards();
    const BoardProfile* b = findBoard(list.boards, id);
    QVERIFY(b);
    const RamRegion block = b->largestContiguousRam();
    QCOMPARE(block.bytes, bytes);
    QCOMPARE(block.name, name);
}

void TestBoards::minimalProfileDefaults()
{
    const auto result = loadBoardProfile(profileWith({}, {}), QStringLiteral("minimal.json"));
    QVERIFY2(result.ok(), qPrintable(result.error));
    const BoardProfile& b = *result.value;
    QCOMPARE(b.id, QStringLiteral("test-board"));
    QCOMPARE(b.reservedRamBytes, kDefaultReservedRamBytes);
    QCOMPARE(b.reservedFlashBytes, kDefaultReservedFlashBytes);
    QCOMPARE(b.fpu, FpuKind::None);
    QCOMPARE(b.ramBudgetBytes(), 128 * KiB - 16 * KiB);
    QCOMPARE(b.flashBudgetBytes(), 512 * KiB - 64 * KiB);
    QCOMPARE(b.largestContiguousRam().bytes, 128 * KiB);
}

void TestBoards::badProfiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("reason");

    QTest::addRow("empty file") << QByteArray() << QStringLiteral("the file is empty");
    QTest::addRow("only whitespace") << QByteArray(" \n\t ") << QStringLiteral("the file is empty");
    QTest::addRow("not JSON") << QByteArray("board: stm32") << QStringLiteral("not valid JSON: ");
    QTest::addRow("truncated JSON, with offset")
        << QByteArray("{ \"id\": \"x\", \"name\": ") << QStringLiteral(" at byte ");
    QTest::addRow("array at top level") << QByteArray("[1, 2]")
                                        << QStringLiteral("expected a JSON object at the top level");
    QTest::addRow("missing id") << profileWith(QStringLiteral("id"), {})
                                << QStringLiteral("missing required field \"id\"");
    QTest::addRow("missing sram_bytes") << profileWith(QStringLiteral("sram_bytes"), {})
                                        << QStringLiteral("missing required field \"sram_bytes\"");
    QTest::addRow("missing core") << profileWith(QStringLiteral("core"), {})
                                  << QStringLiteral("missing required field \"core\"");
    QTest::addRow("clock as a string") << profileWith(QStringLiteral("clock_hz"), QStringLiteral("\"80 MHz\""))
                                       << QStringLiteral("field \"clock_hz\" must be a number, not a string");
    QTest::addRow("name as a number") << profileWith(QStringLiteral("name"), QStringLiteral("42"))
                                      << QStringLiteral("field \"name\" must be a string, not a number");
    QTest::addRow("dsp as a string") << profileWith(QStringLiteral("dsp"), QStringLiteral("\"yes\""))
                                     << QStringLiteral("field \"dsp\" must be true or false, not a string");
    QTest::addRow("negative size") << profileWith(QStringLiteral("sram_bytes"), QStringLiteral("-1"))
                                   << QStringLiteral("field \"sram_bytes\" must not be negative (got -1)");
    QTest::addRow("fractional size") << profileWith(QStringLiteral("flash_bytes"), QStringLiteral("1024.5"))
                                     << QStringLiteral("field \"flash_bytes\" must be a whole number (got 1024.5)");
    QTest::addRow("absurd size") << profileWith(QStringLiteral("sram_bytes"), QStringLiteral("8589934592"))
                                 << QStringLiteral("field \"sram_bytes\" is absurdly large (8589934592;");
    QTest::addRow("zero RAM") << profileWith(QStringLiteral("sram_bytes"), QStringLiteral("0"))
                              << QStringLiteral("field \"sram_bytes\" must be positive");
    QTest::addRow("clock in MHz") << profileWith(QStringLiteral("clock_hz"), QStringLiteral("216"))
                                  << QStringLiteral("the unit is Hz, not MHz");
    QTest::addRow("clock absurd") << profileWith(QStringLiteral("clock_hz"), QStringLiteral("216000000000"))
                                  << QStringLiteral("field \"clock_hz\" is absurdly large");
    QTest::addRow("id with spaces") << profileWith(QStringLiteral("id"), QStringLiteral("\"My Board\""))
                                    << QStringLiteral("field \"id\" may only use a-z");
    QTest::addRow("unknown fpu") << profileWith(QStringLiteral("fpu"), QStringLiteral("\"yes\""))
                                 << QStringLiteral("field \"fpu\" must be \"none\", \"sp\" or \"dp\" (got \"yes\")");
    QTest::addRow("bad USB id") << profileWith(QStringLiteral("usb_vid_pid"), QStringLiteral("[\"0483-374b\"]"))
                                << QStringLiteral("must hold USB IDs like \"0483:374b\" (got \"0483-374b\")");
    QTest::addRow("reserved more than RAM")
        << profileWith(QStringLiteral("reserved_ram_bytes"), QStringLiteral("200000"))
        << QStringLiteral("\"reserved_ram_bytes\" (200000) is more than the board's RAM (131072)");
    QTest::addRow("regions do not add up")
        << profileWith(QStringLiteral("ram_regions"), QStringLiteral("[{\"name\": \"SRAM\", \"bytes\": 65536}]"))
        << QStringLiteral("add up to 65536 bytes, but \"sram_bytes\" is 131072");
    QTest::addRow("region without bytes")
        << profileWith(QStringLiteral("ram_regions"), QStringLiteral("[{\"name\": \"SRAM\"}]"))
        << QStringLiteral("missing required field \"ram_regions[0].bytes\"");
    QTest::addRow("region base not an address") << profileWith(
        QStringLiteral("ram_regions"), QStringLiteral("[{\"name\": \"SRAM\", \"bytes\": 131072, \"base\": \"zero\"}]"))
                                                << QStringLiteral("field \"ram_regions[0].base\" must be an address");
    QTest::addRow("no flash at all") << profileWith(QStringLiteral("flash_bytes"), QStringLiteral("0"))
                                     << QStringLiteral("the board has no flash");
    QTest::addRow("external flash as a number") << profileWith(QStringLiteral("external_flash"),
        QStringLiteral("16777216")) << QStringLiteral("field \"external_flash\" must be an object, not a number");
    QTest::addRow("newer format") << profileWith(QStringLiteral("format_version"), QStringLiteral("2"))
                                  << QStringLiteral("format_version 2 is newer than this TinyScope understands");
}

void TestBoards::badProfiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, reason);
    const auto result = loadBoardProfile(json, QStringLiteral("my-board.json"));
    QVERIFY(!result.ok());
    QVERIFY(!result.value);
    QVERIFY2(result.error.startsWith(QStringLiteral("my-board.json: ")), qPrintable(result.error));
    QVERIFY2(result.error.contains(reason), qPrintable(result.error));
}

void TestBoards::unreadableFile()
{
    const auto result = loadBoardProfileFile(QStringLiteral("/nonexistent/folder/board.json"));
    QVERIFY(!result.ok());
    QVERIFY2(result.error.startsWith(QStringLiteral("/nonexistent/folder/board.json: cannot read")),
        qPrintable(result.error));
}

void TestBoards::userBoardsDir()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("good.json")), profileWith({}, {})));
    QVERIFY(writeFile(
        dir.filePath(QStringLiteral("bad.json")), profileWith(QStringLiteral("sram_bytes"), QStringLiteral("-5"))));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("notes.txt")), "not a board"));

    const BoardList list = loadUserBoards(dir.path());
    QCOMPARE(list.boards.size(), std::size_t(1));
    QCOMPARE(list.boards[0].id, QStringLiteral("test-board"));
    QVERIFY(!list.boards[0].builtin);
    QCOMPARE(list.boards[0].sourcePath, dir.filePath(QStringLiteral("good.json")));
    QCOMPARE(list.errors.size(), 1);
    QVERIFY2(list.errors[0].startsWith(dir.filePath(QStringLiteral("bad.json")) + QStringLiteral(": ")),
        qPrintable(list.errors[0]));
    QVERIFY(list.errors[0].contains(QStringLiteral("must not be negative")));
}

void TestBoards::userBoardsDuplicateId()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("a.json")), profileWith({}, {})));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("b.json")), profileWith({}, {})));
    const BoardList list = loadUserBoards(dir.path());
    QCOMPARE(list.boards.size(), std::size_t(1));
    QCOMPARE(list.errors.size(), 1);
    QVERIFY2(list.errors[0].contains(QStringLiteral("b.json: board id \"test-board\" is already used by")),
        qPrintable(list.errors[0]));
}

void TestBoards::missingUserDir()
{
    const BoardList list = loadUserBoards(QStringLiteral("/nonexistent/tinyscope/boards"));
    QVERIFY(list.boards.empty());
    QVERIFY(list.errors.isEmpty());
}

void TestBoards::saveAndReload()
{
    const BoardList builtins = builtinBoards();
    const BoardProfile* f746 = findBoard(builtins.boards, QStringLiteral("stm32f746g-disco"));
    QVERIFY(f746);
    BoardProfile mine = *f746;
    mine.id = QStringLiteral("my-f746");
    mine.name = QStringLiteral("My F746 (overclocked)");
    mine.clockHz = 240'000'000;
    mine.reservedRamBytes = 40 * KiB;
    mine.externalRam.inBudget = true;
    mine.qemuMachine = QStringLiteral("none");

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = dir.filePath(QStringLiteral("sub/boards")); // created by saveUserBoard
    const auto saved = saveUserBoard(mine, folder);
    QVERIFY2(saved.ok(), qPrintable(saved.error));
    QCOMPARE(*saved.value, QDir(folder).filePath(QStringLiteral("my-f746.json")));

    const BoardList list = loadUserBoards(folder);
    QVERIFY2(list.errors.isEmpty(), qPrintable(list.errors.join(QLatin1Char('\n'))));
    QCOMPARE(list.boards.size(), std::size_t(1));
    const BoardProfile& back = list.boards[0];
    QCOMPARE(back.id, mine.id);
    QCOMPARE(back.name, mine.name);
    QCOMPARE(back.vendor, mine.vendor);
    QCOMPARE(back.mcu, mine.mcu);
    QCOMPARE(back.core, mine.core);
    QCOMPARE(back.clockHz, mine.clockHz);
    QCOMPARE(back.sramBytes, mine.sramBytes);
    QCOMPARE(back.sramNote, mine.sramNote);
    QCOMPARE(back.ramRegions.size(), mine.ramRegions.size());
    for (std::size_t i = 0; i < back.ramRegions.size(); ++i) {
        QCOMPARE(back.ramRegions[i].name, mine.ramRegions[i].name);
        QCOMPARE(back.ramRegions[i].bytes, mine.ramRegions[i].bytes);
        QCOMPARE(back.ramRegions[i].base, mine.ramRegions[i].base);
        QCOMPARE(back.ramRegions[i].data, mine.ramRegions[i].data);
        QCOMPARE(back.ramRegions[i].note, mine.ramRegions[i].note);
    }
    QCOMPARE(back.flashBytes, mine.flashBytes);
    QCOMPARE(back.externalFlash.bytes, mine.externalFlash.bytes);
    QCOMPARE(back.externalFlash.kind, mine.externalFlash.kind);
    QCOMPARE(back.externalFlash.inBudget, mine.externalFlash.inBudget);
    QCOMPARE(back.externalRam.bytes, mine.externalRam.bytes);
    QCOMPARE(back.externalRam.inBudget, true);
    QCOMPARE(back.fpu, mine.fpu);
    QCOMPARE(back.dsp, mine.dsp);
    QCOMPARE(back.helium, mine.helium);
    QCOMPARE(back.cycleCounter, mine.cycleCounter);
    QCOMPARE(back.usbVidPid, mine.usbVidPid);
    QCOMPARE(back.qemuMachine, mine.qemuMachine);
    QCOMPARE(back.reservedRamBytes, mine.reservedRamBytes);
    QCOMPARE(back.reservedFlashBytes, mine.reservedFlashBytes);
    QCOMPARE(back.notes, mine.notes);
    QCOMPARE(back.sources, mine.sources);
    // External SDRAM now counts: 320 KiB + 8 MiB - 40 KiB.
    QCOMPARE(back.ramBudgetBytes(), 320 * KiB + 8 * MiB - 40 * KiB);

    // Saving again replaces the file.
    mine.clockHz = 200'000'000;
    QVERIFY(saveUserBoard(mine, folder).ok());
    const BoardList again = loadUserBoards(folder);
    QCOMPARE(again.boards.size(), std::size_t(1));
    QCOMPARE(again.boards[0].clockHz, qint64(200'000'000));
}

void TestBoards::saveRejectsInvalidBoard()
{
    BoardProfile bad = roundBoard();
    bad.reservedRamBytes = bad.sramBytes + 1;
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto saved = saveUserBoard(bad, dir.path());
    QVERIFY(!saved.ok());
    QVERIFY2(saved.error.contains(QStringLiteral("reserved_ram_bytes")), qPrintable(saved.error));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("round.json"))));
}

void TestBoards::makeBoardId_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("id");
    QTest::addRow("spaces and case") << QStringLiteral("My Board v2") << QStringLiteral("my-board-v2");
    QTest::addRow("punctuation runs") << QStringLiteral("  STM32 -- (custom) ") << QStringLiteral("stm32-custom");
    QTest::addRow("nothing usable") << QStringLiteral("äöü !") << QStringLiteral("board");
}

void TestBoards::makeBoardId()
{
    QFETCH(QString, name);
    QFETCH(QString, id);
    QCOMPARE(Devices::makeBoardId(name), id);
}

void TestBoards::classifyUsage_data()
{
    QTest::addColumn<qint64>("used");
    QTest::addColumn<qint64>("budget");
    QTest::addColumn<FitStatus>("status");
    QTest::addRow("nothing used") << qint64(0) << qint64(1000) << FitStatus::Fits;
    QTest::addRow("half") << qint64(500) << qint64(1000) << FitStatus::Fits;
    QTest::newRow("exactly 90 % still fits") << qint64(900) << qint64(1000) << FitStatus::Fits;
    QTest::newRow("one byte over 90 % is tight") << qint64(901) << qint64(1000) << FitStatus::Tight;
    QTest::newRow("90 % of 300 KiB exactly") << qint64(276480) << qint64(307200) << FitStatus::Fits;
    QTest::newRow("90 % of 300 KiB + 1 B") << qint64(276481) << qint64(307200) << FitStatus::Tight;
    QTest::addRow("exactly full is tight") << qint64(1000) << qint64(1000) << FitStatus::Tight;
    QTest::addRow("one byte over") << qint64(1001) << qint64(1000) << FitStatus::DoesNotFit;
    QTest::addRow("no budget at all") << qint64(1) << qint64(0) << FitStatus::DoesNotFit;
    QTest::addRow("no budget, nothing needed") << qint64(0) << qint64(0) << FitStatus::Fits;
}

void TestBoards::classifyUsage()
{
    QFETCH(qint64, used);
    QFETCH(qint64, budget);
    QFETCH(FitStatus, status);
    QCOMPARE(Devices::classifyUsage(used, budget), status);
}

void TestBoards::judgeFit_data()
{
    // roundBoard(): RAM budget 320 KiB - 20 KiB = 307,200 B; flash budget 1 MiB - 48,576 B = 1,000,000 B.
    QTest::addColumn<qint64>("model");
    QTest::addColumn<qint64>("code");
    QTest::addColumn<qint64>("arena");
    QTest::addColumn<qint64>("persistent");
    QTest::addColumn<double>("flashPercent");
    QTest::addColumn<double>("ramPercent");
    QTest::addColumn<FitStatus>("flashStatus");
    QTest::addColumn<FitStatus>("ramStatus");
    QTest::addColumn<FitStatus>("overall");
    QTest::addColumn<QString>("headline");
    QTest::addColumn<QString>("flashSentence");
    QTest::addColumn<QString>("ramSentence");

    // 120,000 / 1,000,000 = 12 %; 55,000 / 307,200 = 17.90 %.
    QTest::addRow("small model fits") << qint64(100'000) << qint64(20'000) << qint64(50'000) << qint64(5'000) << 12.0
                                      << 100.0 * 55'000 / 307'200 << FitStatus::Fits << FitStatus::Fits
                                      << FitStatus::Fits << QStringLiteral("Fits")
                                      << QStringLiteral("Flash: 117 KiB needed, 977 KiB available: fits (12 %)")
                                      << QStringLiteral("RAM: 54 KiB needed, 300 KiB available: fits (18 %)");
    // 276,480 = 90 % of 307,200 exactly: not tight.
    QTest::newRow("RAM at exactly 90 %") << qint64(100'000) << qint64(0) << qint64(270'000) << qint64(6'480) << 10.0
                                         << 90.0 << FitStatus::Fits << FitStatus::Fits << FitStatus::Fits
                                         << QStringLiteral("Fits")
                                         << QStringLiteral("Flash: 98 KiB needed, 977 KiB available: fits (10 %)")
                                         << QStringLiteral("RAM: 270 KiB needed, 300 KiB available: fits (90 %)");
    // One byte more: 276,481 / 307,200 = 90.0003 %, shown rounded up so it does not read "90 %".
    QTest::newRow("RAM one byte over 90 %")
        << qint64(100'000) << qint64(0) << qint64(270'001) << qint64(6'480) << 10.0 << 100.0 * 276'481 / 307'200
        << FitStatus::Fits << FitStatus::Tight << FitStatus::Tight << QStringLiteral("Fits, but tight")
        << QStringLiteral("Flash: 98 KiB needed, 977 KiB available: fits (10 %)")
        << QStringLiteral("RAM: 270 KiB needed, 300 KiB available: fits, but tight (90.1 %)");
    QTest::addRow("RAM exactly full") << qint64(100'000) << qint64(0) << qint64(307'200) << qint64(0) << 10.0 << 100.0
                                      << FitStatus::Fits << FitStatus::Tight << FitStatus::Tight
                                      << QStringLiteral("Fits, but tight")
                                      << QStringLiteral("Flash: 98 KiB needed, 977 KiB available: fits (10 %)")
                                      << QStringLiteral(
                                             "RAM: 300 KiB needed, 300 KiB available: fits, but tight (100 %)");
    // 307,201 / 307,200 = 100.0003 %.
    QTest::addRow("RAM one byte too much")
        << qint64(100'000) << qint64(0) << qint64(307'201) << qint64(0) << 10.0 << 100.0 * 307'201 / 307'200
        << FitStatus::Fits << FitStatus::DoesNotFit << FitStatus::DoesNotFit << QStringLiteral("Does not fit")
        << QStringLiteral("Flash: 98 KiB needed, 977 KiB available: fits (10 %)")
        << QStringLiteral("RAM: 300 KiB needed, 300 KiB available: does not fit (100.1 %)");
    // 412 KiB = 421,888 B; 421,888 / 307,200 = 137.33 %.
    QTest::addRow("RAM far over") << qint64(100'000) << qint64(0) << qint64(400 * KiB) << qint64(12 * KiB) << 10.0
                                  << 100.0 * 421'888 / 307'200 << FitStatus::Fits << FitStatus::DoesNotFit
                                  << FitStatus::DoesNotFit << QStringLiteral("Does not fit")
                                  << QStringLiteral("Flash: 98 KiB needed, 977 KiB available: fits (10 %)")
                                  << QStringLiteral("RAM: 412 KiB needed, 300 KiB available: does not fit (137 %)");
    QTest::newRow("flash at exactly 90 %")
        << qint64(880'000) << qint64(20'000) << qint64(1'000) << qint64(0) << 90.0 << 100.0 * 1'000 / 307'200
        << FitStatus::Fits << FitStatus::Fits << FitStatus::Fits << QStringLiteral("Fits")
        << QStringLiteral("Flash: 879 KiB needed, 977 KiB available: fits (90 %)")
        << QStringLiteral("RAM: 1000 B needed, 300 KiB available: fits (0.3 %)");
    QTest::addRow("flash tight") << qint64(930'000) << qint64(20'000) << qint64(1'000) << qint64(0) << 95.0
                                 << 100.0 * 1'000 / 307'200 << FitStatus::Tight << FitStatus::Fits << FitStatus::Tight
                                 << QStringLiteral("Fits, but tight")
                                 << QStringLiteral("Flash: 928 KiB needed, 977 KiB available: fits, but tight (95 %)")
                                 << QStringLiteral("RAM: 1000 B needed, 300 KiB available: fits (0.3 %)");
    QTest::addRow("flash over, RAM fine")
        << qint64(1'180'000) << qint64(20'000) << qint64(1'000) << qint64(0) << 120.0 << 100.0 * 1'000 / 307'200
        << FitStatus::DoesNotFit << FitStatus::Fits << FitStatus::DoesNotFit << QStringLiteral("Does not fit")
        << QStringLiteral("Flash: 1.14 MiB needed, 977 KiB available: does not fit (120 %)")
        << QStringLiteral("RAM: 1000 B needed, 300 KiB available: fits (0.3 %)");
}

void TestBoards::judgeFit()
{
    QFETCH(qint64, model);
    QFETCH(qint64, code);
    QFETCH(qint64, arena);
    QFETCH(qint64, persistent);
    QFETCH(double, flashPercent);
    QFETCH(double, ramPercent);
    QFETCH(FitStatus, flashStatus);
    QFETCH(FitStatus, ramStatus);
    QFETCH(FitStatus, overall);
    QFETCH(QString, headline);
    QFETCH(QString, flashSentence);
    QFETCH(QString, ramSentence);

    const BoardProfile board = roundBoard();
    QCOMPARE(board.ramBudgetBytes(), qint64(307'200));
    QCOMPARE(board.flashBudgetBytes(), qint64(1'000'000));

    FitInput input;
    input.modelBytes = model;
    input.runtimeCodeBytes = code;
    input.arenaBytes = arena;
    input.persistentBytes = persistent;
    const FitVerdict v = Devices::judgeFit(input, board);
    QCOMPARE(v.flash.usedBytes, model + code);
    QCOMPARE(v.flash.budgetBytes, qint64(1'000'000));
    QCOMPARE(v.ram.usedBytes, arena + persistent);
    QCOMPARE(v.ram.budgetBytes, qint64(307'200));
    QVERIFY2(std::abs(v.flash.percent - flashPercent) < 1e-9, qPrintable(QString::number(v.flash.percent)));
    QVERIFY2(std::abs(v.ram.percent - ramPercent) < 1e-9, qPrintable(QString::number(v.ram.percent)));
    QCOMPARE(v.flash.status, flashStatus);
    QCOMPARE(v.ram.status, ramStatus);
    QCOMPARE(v.overall, overall);
    QCOMPARE(v.headline, headline);
    QCOMPARE(v.sentences.size(), 2);
    QCOMPARE(v.sentences[0], flashSentence);
    QCOMPARE(v.sentences[1], ramSentence);
    QVERIFY(v.suggestion.isEmpty());
    QVERIFY(v.warnings.isEmpty());
    QVERIFY(v.unsupportedSentence.isEmpty());
}

void TestBoards::reorderSuggestion_data()
{
    // roundBoard(): RAM budget 307,200 B.
    QTest::addColumn<qint64>("arena");
    QTest::addColumn<qint64>("persistent");
    QTest::addColumn<qint64>("reordered");
    QTest::addColumn<qint64>("saving");
    QTest::addColumn<QString>("suggestion");

    // 309,000 B does not fit; 307,054 B (99.95 %) does, tightly; 1,946 B = 1.90 KiB.
    QTest::addRow("does not fit -> tight")
        << qint64(300'000) << qint64(9'000) << qint64(298'054) << qint64(1'946)
        << QStringLiteral(
               "Reordering the operators (with TinyScope's arena plan) saves 1.9 KiB: then it fits, but tightly "
               "(99.9 %).");
    // 310,000 B (100.9 %) -> 270,000 B = 87.89 %; 40,000 B = 39.06 KiB.
    QTest::addRow("does not fit -> fits")
        << qint64(310'000) << qint64(0) << qint64(270'000) << qint64(40'000)
        << QStringLiteral("Reordering the operators (with TinyScope's arena plan) saves 39 KiB: then it fits (88 %).");
    // 350,000 B is still 42,800 B = 41.8 KiB over.
    QTest::addRow("still does not fit")
        << qint64(400'000) << qint64(0) << qint64(350'000) << qint64(50'000)
        << QStringLiteral(
               "Reordering the operators (with TinyScope's arena plan) saves 49 KiB, but RAM would still be 42 KiB "
               "short.");
    // 290,000 B = 94.4 % (tight) -> 250,000 B = 81.38 %.
    QTest::addRow("tight -> fits")
        << qint64(290'000) << qint64(0) << qint64(250'000) << qint64(40'000)
        << QStringLiteral(
               "Reordering the operators (with TinyScope's arena plan) saves 39 KiB: then RAM use drops to 81 % and is "
               "no longer tight.");
    // 100,000 -> 90,000 B = 29.3 %; 10,000 B = 9.77 KiB.
    QTest::addRow("already fits")
        << qint64(100'000) << qint64(0) << qint64(90'000) << qint64(10'000)
        << QStringLiteral("Reordering the operators (with TinyScope's arena plan) saves 9.8 KiB of RAM (then 29 %).");
    QTest::addRow("no saving") << qint64(310'000) << qint64(0) << qint64(310'000) << qint64(0) << QString();
    QTest::addRow("no reordering known") << qint64(310'000) << qint64(0) << qint64(-1) << qint64(0) << QString();
}

void TestBoards::reorderSuggestion()
{
    QFETCH(qint64, arena);
    QFETCH(qint64, persistent);
    QFETCH(qint64, reordered);
    QFETCH(qint64, saving);
    QFETCH(QString, suggestion);

    FitInput input;
    input.modelBytes = 1000;
    input.arenaBytes = arena;
    input.persistentBytes = persistent;
    input.reorderedArenaBytes = reordered;
    const FitVerdict v = Devices::judgeFit(input, roundBoard());
    QCOMPARE(v.reorderSavingBytes, saving);
    QCOMPARE(v.suggestion, suggestion);
    QCOMPARE(v.reorderedRamStatus.has_value(), saving > 0);
}

void TestBoards::contiguityWarning()
{
    const BoardList list = builtinBoards();
    const BoardProfile* h743 = findBoard(list.boards, QStringLiteral("nucleo-h743zi2"));
    QVERIFY(h743);
    FitInput input;
    input.modelBytes = 100'000;
    input.arenaBytes = 600 * KiB; // within the 976 KiB budget, but larger than the 512 KiB AXI SRAM
    const FitVerdict v = Devices::judgeFit(input, *h743);
    QCOMPARE(v.ram.status, FitStatus::Fits);
    QCOMPARE(v.warnings.size(), 1);
    QCOMPARE(v.warnings[0],
        QStringLiteral("The arena must be one contiguous block, but the largest block of RAM is AXI SRAM (512 KiB): "
                       "600 KiB will not fit in it."));

    input.arenaBytes = 500 * KiB;
    QVERIFY(Devices::judgeFit(input, *h743).warnings.isEmpty());
}

void TestBoards::unsupportedOperators()
{
    FitInput input;
    input.modelBytes = 1000;
    input.arenaBytes = 1000;
    input.unsupportedOperators = { QStringLiteral("edgetpu-custom-op") };
    FitVerdict v = Devices::judgeFit(input, roundBoard());
    QCOMPARE(v.overall, FitStatus::Fits);
    QCOMPARE(v.headline, QStringLiteral("Fits in memory, but 1 operator is unsupported"));
    QCOMPARE(v.unsupportedOperators, input.unsupportedOperators);
    QVERIFY(v.warnings.isEmpty());
    QCOMPARE(
        v.unsupportedSentence, QStringLiteral("1 operator is not supported by TFLM's kernels: edgetpu-custom-op."));

    input.unsupportedOperators << QStringLiteral("RFFT2D");
    input.arenaBytes = 300'000;
    v = Devices::judgeFit(input, roundBoard());
    QCOMPARE(v.headline, QStringLiteral("Fits, but tight; and 2 operators are unsupported"));
    QCOMPARE(v.unsupportedSentence,
        QStringLiteral("2 operators are not supported by TFLM's kernels: edgetpu-custom-op, RFFT2D."));

    input.arenaBytes = 400'000;
    v = Devices::judgeFit(input, roundBoard());
    QCOMPARE(v.headline, QStringLiteral("Does not fit"));
}

void TestBoards::details()
{
    FitInput input;
    input.modelBytes = 333'288;
    input.runtimeCodeBytes = 40 * KiB;
    input.arenaBytes = 100 * KiB;
    input.persistentBytes = 2 * KiB;
    const BoardList list = builtinBoards();
    const BoardProfile* pico = findBoard(list.boards, QStringLiteral("rpi-pico"));
    QVERIFY(pico);
    const FitVerdict v = Devices::judgeFit(input, *pico);
    QCOMPARE(v.details,
        (QStringList { QStringLiteral("Flash needed: model 325 KiB + TFLM code ≈ 40 KiB (estimate)."),
            QStringLiteral("Flash available: 2 MiB external flash − 64 KiB reserved for the application."),
            QStringLiteral("RAM needed: arena 100 KiB + persistent ≈ 2 KiB."),
            QStringLiteral("RAM available: 264 KiB SRAM − 16 KiB reserved for stack, heap and application data.") }));
}

void TestBoards::noBudgetLeft()
{
    BoardProfile b = roundBoard();
    b.reservedRamBytes = b.sramBytes;
    FitInput input;
    input.modelBytes = 1000;
    input.arenaBytes = 2048;
    const FitVerdict v = Devices::judgeFit(input, b);
    QCOMPARE(v.ram.budgetBytes, qint64(0));
    QCOMPARE(v.ram.status, FitStatus::DoesNotFit);
    QVERIFY(std::isinf(v.ram.percent));
    QCOMPARE(v.sentences[1],
        QStringLiteral("RAM: 2 KiB needed, nothing available after the 320 KiB reserved: does not fit"));
}

void TestBoards::formatByteSize_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<QString>("text");
    QTest::addRow("bytes") << qint64(512) << QStringLiteral("512 B");
    QTest::addRow("1023 B") << qint64(1023) << QStringLiteral("1023 B");
    QTest::addRow("1 KiB") << qint64(1024) << QStringLiteral("1 KiB");
    QTest::addRow("1.9 KiB") << qint64(1946) << QStringLiteral("1.9 KiB");
    QTest::addRow("412 KiB") << 412 * KiB << QStringLiteral("412 KiB");
    QTest::addRow("rounded KiB") << qint64(333'288) << QStringLiteral("325 KiB");
    QTest::addRow("1 MiB") << MiB << QStringLiteral("1 MiB");
    QTest::addRow("3.44 MiB") << qint64(3'610'798) << QStringLiteral("3.44 MiB");
    QTest::addRow("16 MiB") << 16 * MiB << QStringLiteral("16 MiB");
    QTest::addRow("negative") << qint64(-2048) << QStringLiteral("-2 KiB");
}

void TestBoards::formatByteSize()
{
    QFETCH(qint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(Devices::formatByteSize(bytes), text);
}

void TestBoards::formatPercent_data()
{
    QTest::addColumn<double>("percent");
    QTest::addColumn<QString>("text");
    QTest::addRow("zero") << 0.0 << QStringLiteral("0 %");
    QTest::addRow("tiny") << 0.04 << QStringLiteral("0.1 %");
    QTest::addRow("plain") << 42.4 << QStringLiteral("42 %");
    QTest::addRow("just under 90") << 89.96 << QStringLiteral("89.9 %");
    QTest::addRow("exactly 90") << 90.0 << QStringLiteral("90 %");
    QTest::addRow("just over 90") << 90.0003 << QStringLiteral("90.1 %");
    QTest::addRow("just under 100") << 99.95 << QStringLiteral("99.9 %");
    QTest::addRow("exactly 100") << 100.0 << QStringLiteral("100 %");
    QTest::addRow("just over 100") << 100.0003 << QStringLiteral("100.1 %");
    QTest::addRow("far over") << 135.5 << QStringLiteral("136 %");
    QTest::addRow("no budget") << std::numeric_limits<double>::infinity() << QStringLiteral("∞ %");
}

void TestBoards::formatPercent()
{
    QFETCH(double, percent);
    QFETCH(QString, text);
    QCOMPARE(Devices::formatPercent(percent), text);
}

void TestBoards::codeSizeTable()
{
    const TflmCodeSizeTable& table = tflmCodeSizes();
    QCOMPARE(table.interpreterBytes, 16 * KiB);
    QCOMPARE(table.defaultKernelBytes, 4 * KiB);
    QVERIFY(table.kernelBytes.size() >= 50);
    QCOMPARE(table.kernelBytes.at(QStringLiteral("CONV_2D")), 6 * KiB);
    QVERIFY(table.note.contains(QStringLiteral("Rough estimates")));
    QVERIFY(!table.sources.isEmpty());
    QVERIFY(table.sources[0].contains(QStringLiteral("memory_footprint")));
}

void TestBoards::codeSizeEstimate()
{
    // interpreter 16384 + CONV_2D 6144 (once) + DEPTHWISE_CONV_2D 6144 + RESHAPE 512 + ethos-u (default 4096).
    const QStringList ops = { QStringLiteral("CONV_2D"), QStringLiteral("DEPTHWISE_CONV_2D"), QStringLiteral("CONV_2D"),
        QStringLiteral("RESHAPE"), QStringLiteral("ethos-u") };
    const CodeSizeEstimate e = estimateTflmCodeSize(ops);
    QCOMPARE(e.interpreterBytes, qint64(16384));
    QCOMPARE(e.totalBytes, qint64(16384 + 6144 + 6144 + 512 + 4096));
    QCOMPARE(e.kernels.size(), std::size_t(4));
    QCOMPARE(e.kernels[0].first, QStringLiteral("CONV_2D"));
    QCOMPARE(e.unknownOperators, QStringList { QStringLiteral("ethos-u") });
    QCOMPARE(estimateTflmCodeSize({}).totalBytes, qint64(16384));
}

void TestBoards::badCodeSizeTable()
{
    auto r = loadTflmCodeSizes("{ \"interpreter_core_bytes\": 1 ", QStringLiteral("sizes.json"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error.startsWith(QStringLiteral("sizes.json: not valid JSON")), qPrintable(r.error));
    r = loadTflmCodeSizes(
        "{ \"interpreter_core_bytes\": 1, \"default_kernel_bytes\": 2, \"kernels\": { \"ADD\": -3 } }",
        QStringLiteral("sizes.json"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error, QStringLiteral("sizes.json: kernel \"ADD\" must have a whole number of bytes"));
    r = loadTflmCodeSizes("{ \"default_kernel_bytes\": 2, \"kernels\": {} }", QStringLiteral("sizes.json"));
    QCOMPARE(r.error, QStringLiteral("sizes.json: missing required field \"interpreter_core_bytes\""));
}

QTEST_GUILESS_MAIN(TestBoards)
#include "tst_boards.moc"
