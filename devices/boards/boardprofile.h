// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

namespace Devices {

/** A value or a one-line error that names the file and the reason (devices/ cannot use Profiler::Result). */
template <typename T> struct BoardResult
{
    std::optional<T> value;
    QString error; ///< empty when value is set

    bool ok() const { return value.has_value(); }
    explicit operator bool() const { return ok(); }

    static BoardResult success(T v)
    {
        BoardResult r;
        r.value = std::move(v);
        return r;
    }
    static BoardResult failure(QString message)
    {
        BoardResult r;
        r.error = std::move(message);
        return r;
    }
};

/** Floating-point unit of the core: none, single precision only, or double precision too. */
enum class FpuKind {
    None,
    SinglePrecision,
    DoublePrecision,
};

QString fpuKindName(FpuKind fpu); ///< "none", "sp", "dp" (as in the JSON)
QString fpuKindLabel(FpuKind fpu); ///< "None", "Single precision", "Double precision"

/** How firmware on the board can count cycles. */
enum class CycleCounter {
    None, ///< no cycle counter (Cortex-M0+, QEMU's Cortex-M): time with SysTick or a timer
    Dwt, ///< Arm DWT->CYCCNT
    Ccount, ///< Xtensa CCOUNT special register
};

QString cycleCounterName(CycleCounter counter); ///< "none", "dwt", "ccount"

/** One block of on-chip RAM. */
struct RamRegion
{
    QString name; ///< "DTCM RAM", "AXI SRAM"
    qint64 bytes = 0;
    qint64 base = -1; ///< start address; -1 when the profile does not say
    bool data = true; ///< usable for data (an arena); false e.g. for instruction TCM
    QString note;
};

/** Off-chip memory on the board (QSPI flash, SDRAM, PSRAM). */
struct ExternalMemory
{
    qint64 bytes = 0; ///< 0 when the board has none
    QString kind; ///< what it is and how it is reached, in words
    bool inBudget = false; ///< counted in the fit budget (true when it is the board's normal program memory)
};

inline constexpr qint64 kDefaultReservedRamBytes = 16 * 1024; ///< stack, heap and application data
inline constexpr qint64 kDefaultReservedFlashBytes = 64 * 1024; ///< startup code, HAL and application code

/** A development board: what the MCU offers and what the application keeps for itself. Format in docs/boards.md. */
struct BoardProfile
{
    QString id; ///< stable identifier and file name: lower case, digits, '-', '_', '.'
    QString name;
    QString vendor;
    QString mcu;
    QString core; ///< "Cortex-M7", "Xtensa LX7"
    qint64 clockHz = 0;
    qint64 sramBytes = 0; ///< on-chip RAM usable for data, all regions together
    QString sramNote;
    std::vector<RamRegion> ramRegions;
    qint64 flashBytes = 0; ///< internal flash
    ExternalMemory externalFlash;
    ExternalMemory externalRam;
    FpuKind fpu = FpuKind::None;
    bool dsp = false; ///< DSP / SIMD instructions (Armv7E-M DSP extension, Xtensa SIMD)
    bool helium = false; ///< Arm Helium (M-Profile Vector Extension, MVE)
    CycleCounter cycleCounter = CycleCounter::None;
    QStringList usbVidPid; ///< "0483:374b" of the on-board debugger or USB serial, lower-case hex
    QString qemuMachine; ///< QEMU -M value for emulated boards, else empty
    qint64 reservedRamBytes = kDefaultReservedRamBytes;
    qint64 reservedFlashBytes = kDefaultReservedFlashBytes;
    QString notes;
    QStringList sources; ///< datasheets and manuals the numbers come from
    int formatVersion = 1;

    // Where the profile came from; not part of the JSON.
    bool builtin = false;
    QString sourcePath;

    qint64 totalRamBytes() const; ///< sramBytes plus external RAM that counts in the budget
    qint64 totalFlashBytes() const; ///< flashBytes plus external flash that counts in the budget
    qint64 ramBudgetBytes() const; ///< totalRamBytes() - reservedRamBytes, never negative
    qint64 flashBudgetBytes() const; ///< totalFlashBytes() - reservedFlashBytes, never negative

    /** The largest block of data RAM that one array can occupy: adjacent regions (by base address) merge. */
    RamRegion largestContiguousRam() const;
};

/** The board selected when nothing else is known. */
QString defaultBoardId();

/** Parses one board profile; `sourceName` (a file name) starts every error message. */
BoardResult<BoardProfile> loadBoardProfile(const QByteArray& json, const QString& sourceName);

/** Reads and parses a board profile file. */
BoardResult<BoardProfile> loadBoardProfileFile(const QString& path);

/** The profile as JSON in the format loadBoardProfile() reads (indented, stable key order). */
QByteArray boardProfileToJson(const BoardProfile& board);

/** Boards plus the errors of the files that could not be read. */
struct BoardList
{
    std::vector<BoardProfile> boards;
    QStringList errors;
};

/** The profiles shipped in the Qt resource :/tinyscope/boards/, sorted by name. */
BoardList builtinBoards();

/** The *.json profiles in `dir`, sorted by name; a bad file gives an error and does not stop the others. A missing
 *  folder gives an empty list. */
BoardList loadUserBoards(const QString& dir);

/** Writes `board` to `dir`/<id>.json atomically (QSaveFile), creating the folder. Returns the path written. The
 *  profile is validated first, so a saved board always loads again. */
BoardResult<QString> saveUserBoard(const BoardProfile& board, const QString& dir);

/** Where user-defined boards live: <AppDataLocation>/boards. */
QString defaultUserBoardsDir();

/** An identifier made from a display name: "My Board v2" -> "my-board-v2". */
QString makeBoardId(const QString& name);

} // namespace Devices
