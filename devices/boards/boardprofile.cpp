// SPDX-License-Identifier: GPL-3.0-or-later
#include "boardprofile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>
#include <map>

namespace Devices {

namespace {

// A 32-bit MCU addresses 4 GiB; anything above that in a profile is a typo (an extra digit, bits for bytes).
constexpr qint64 kMaxMemoryBytes = qint64(4) * 1024 * 1024 * 1024;
constexpr qint64 kMinClockHz = 1000;
constexpr qint64 kMaxClockHz = qint64(5) * 1000 * 1000 * 1000;
// Doubles represent integers exactly up to 2^53; JSON numbers are doubles.
constexpr double kMaxExactDouble = 9007199254740992.0;

const QString kCodeSizeFile = QStringLiteral("tflm_code_size.json");

QString jsonTypeName(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("true/false");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        return QStringLiteral("missing");
    }
    return QStringLiteral("unknown");
}

QString quoted(const QString& s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

QString formatNumber(double d)
{
    return QString::number(d, 'g', 17);
}

/** Reads fields of one JSON object; the first problem is kept in `error` and later reads are no-ops. */
class FieldReader
{
public:
    FieldReader(const QJsonObject& object, QString prefix, QString* error)
        : m_object(object)
        , m_prefix(std::move(prefix))
        , m_error(error)
    { }

    bool failed() const { return !m_error->isEmpty(); }

    void fail(const QString& message)
    {
        if (m_error->isEmpty())
            *m_error = message;
    }

    QString fieldName(const QString& key) const { return QStringLiteral("field ") + quoted(m_prefix + key); }

    bool has(const QString& key) const { return m_object.contains(key) && !m_object.value(key).isNull(); }

    QString string(const QString& key, bool required, bool nonEmpty = false)
    {
        if (failed())
            return {};
        if (!has(key)) {
            if (required)
                fail(QStringLiteral("missing required ") + fieldName(key));
            return {};
        }
        const QJsonValue v = m_object.value(key);
        if (!v.isString()) {
            fail(fieldName(key) + QStringLiteral(" must be a string, not ") + jsonTypeName(v));
            return {};
        }
        const QString s = v.toString().trimmed();
        if (nonEmpty && s.isEmpty())
            fail(fieldName(key) + QStringLiteral(" must not be empty"));
        return s;
    }

    /** A string or an array of strings. */
    QStringList stringList(const QString& key)
    {
        if (failed() || !has(key))
            return {};
        const QJsonValue v = m_object.value(key);
        if (v.isString())
            return { v.toString().trimmed() };
        if (!v.isArray()) {
            fail(fieldName(key) + QStringLiteral(" must be a string or an array of strings, not ") + jsonTypeName(v));
            return {};
        }
        QStringList out;
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString()) {
                fail(fieldName(key) + QStringLiteral(" must hold strings, but item %1 is ").arg(i)
                    + jsonTypeName(array.at(i)));
                return {};
            }
            out << array.at(i).toString().trimmed();
        }
        return out;
    }

    bool boolean(const QString& key, bool fallback)
    {
        if (failed() || !has(key))
            return fallback;
        const QJsonValue v = m_object.value(key);
        if (!v.isBool()) {
            fail(fieldName(key) + QStringLiteral(" must be true or false, not ") + jsonTypeName(v));
            return fallback;
        }
        return v.toBool();
    }

    /** A whole, non-negative number not above `max`; `what` names the unit in the "absurd" message. */
    qint64 integer(const QString& key, bool required, qint64 fallback, qint64 max, const QString& tooLargeReason)
    {
        if (failed())
            return fallback;
        if (!has(key)) {
            if (required)
                fail(QStringLiteral("missing required ") + fieldName(key));
            return fallback;
        }
        const QJsonValue v = m_object.value(key);
        if (!v.isDouble()) {
            fail(fieldName(key) + QStringLiteral(" must be a number, not ") + jsonTypeName(v));
            return fallback;
        }
        const double d = v.toDouble();
        if (!std::isfinite(d) || d != std::floor(d)) {
            fail(fieldName(key) + QStringLiteral(" must be a whole number (got ") + formatNumber(d) + QLatin1Char(')'));
            return fallback;
        }
        if (d < 0) {
            fail(fieldName(key) + QStringLiteral(" must not be negative (got ") + formatNumber(d) + QLatin1Char(')'));
            return fallback;
        }
        if (d > kMaxExactDouble || d > static_cast<double>(max)) {
            fail(fieldName(key) + QStringLiteral(" is absurdly large (") + formatNumber(d) + QStringLiteral("; ")
                + tooLargeReason + QLatin1Char(')'));
            return fallback;
        }
        return static_cast<qint64>(d);
    }

    qint64 bytes(const QString& key, bool required, qint64 fallback = 0)
    {
        return integer(key, required, fallback, kMaxMemoryBytes,
            QStringLiteral("a 32-bit microcontroller addresses at most 4 GiB"));
    }

    /** An address: a number or a "0x..." string below 4 GiB; -1 when absent. */
    qint64 address(const QString& key)
    {
        if (failed() || !has(key))
            return -1;
        const QJsonValue v = m_object.value(key);
        if (v.isString()) {
            QString s = v.toString().trimmed();
            bool ok = false;
            qint64 value = -1;
            if (s.startsWith(QStringLiteral("0x"), Qt::CaseInsensitive))
                value = s.mid(2).toLongLong(&ok, 16);
            else
                value = s.toLongLong(&ok, 10);
            if (!ok || value < 0 || value >= kMaxMemoryBytes) {
                fail(fieldName(key) + QStringLiteral(" must be an address such as \"0x20000000\" (got ") + quoted(s)
                    + QLatin1Char(')'));
                return -1;
            }
            return value;
        }
        return integer(key, false, -1, kMaxMemoryBytes - 1, QStringLiteral("addresses stop at 0xFFFFFFFF"));
    }

    const QJsonObject& object() const { return m_object; }

private:
    QJsonObject m_object;
    QString m_prefix;
    QString* m_error;
};

std::optional<FpuKind> fpuFromName(const QString& name)
{
    if (name == QStringLiteral("none"))
        return FpuKind::None;
    if (name == QStringLiteral("sp"))
        return FpuKind::SinglePrecision;
    if (name == QStringLiteral("dp"))
        return FpuKind::DoublePrecision;
    return std::nullopt;
}

std::optional<CycleCounter> cycleCounterFromName(const QString& name)
{
    if (name == QStringLiteral("none"))
        return CycleCounter::None;
    if (name == QStringLiteral("dwt"))
        return CycleCounter::Dwt;
    if (name == QStringLiteral("ccount"))
        return CycleCounter::Ccount;
    return std::nullopt;
}

ExternalMemory readExternal(FieldReader& parent, const QString& key, QString* error)
{
    ExternalMemory memory;
    if (parent.failed() || !parent.has(key))
        return memory;
    const QJsonValue v = parent.object().value(key);
    if (!v.isObject()) {
        parent.fail(parent.fieldName(key) + QStringLiteral(" must be an object, not ") + jsonTypeName(v));
        return memory;
    }
    FieldReader r(v.toObject(), key + QLatin1Char('.'), error);
    memory.bytes = r.bytes(QStringLiteral("bytes"), true);
    memory.kind = r.string(QStringLiteral("kind"), false);
    memory.inBudget = r.boolean(QStringLiteral("in_budget"), false);
    if (!r.failed() && memory.bytes == 0)
        r.fail(r.fieldName(QStringLiteral("bytes")) + QStringLiteral(" must be positive (leave ") + quoted(key)
            + QStringLiteral(" out when the board has none)"));
    return memory;
}

void sortByName(std::vector<BoardProfile>& boards)
{
    std::stable_sort(boards.begin(), boards.end(), [](const BoardProfile& a, const BoardProfile& b) {
        return QString::compare(a.name, b.name, Qt::CaseInsensitive) < 0;
    });
}

QString hexAddress(qint64 value)
{
    return QStringLiteral("0x") + QString::number(value, 16).toUpper().rightJustified(8, QLatin1Char('0'));
}

} // namespace

QString fpuKindName(FpuKind fpu)
{
    switch (fpu) {
    case FpuKind::None:
        return QStringLiteral("none");
    case FpuKind::SinglePrecision:
        return QStringLiteral("sp");
    case FpuKind::DoublePrecision:
        return QStringLiteral("dp");
    }
    return {};
}

QString fpuKindLabel(FpuKind fpu)
{
    switch (fpu) {
    case FpuKind::None:
        return QStringLiteral("None");
    case FpuKind::SinglePrecision:
        return QStringLiteral("Single precision");
    case FpuKind::DoublePrecision:
        return QStringLiteral("Double precision");
    }
    return {};
}

QString cycleCounterName(CycleCounter counter)
{
    switch (counter) {
    case CycleCounter::None:
        return QStringLiteral("none");
    case CycleCounter::Dwt:
        return QStringLiteral("dwt");
    case CycleCounter::Ccount:
        return QStringLiteral("ccount");
    }
    return {};
}

qint64 BoardProfile::totalRamBytes() const
{
    return sramBytes + (externalRam.inBudget ? externalRam.bytes : 0);
}

qint64 BoardProfile::totalFlashBytes() const
{
    return flashBytes + (externalFlash.inBudget ? externalFlash.bytes : 0);
}

qint64 BoardProfile::ramBudgetBytes() const
{
    return std::max<qint64>(0, totalRamBytes() - reservedRamBytes);
}

qint64 BoardProfile::flashBudgetBytes() const
{
    return std::max<qint64>(0, totalFlashBytes() - reservedFlashBytes);
}

RamRegion BoardProfile::largestContiguousRam() const
{
    std::vector<RamRegion> located;
    std::vector<RamRegion> blocks;
    for (const auto& region : ramRegions) {
        if (!region.data)
            continue;
        if (region.base >= 0)
            located.push_back(region);
        else
            blocks.push_back(region);
    }
    std::sort(located.begin(), located.end(), [](const RamRegion& a, const RamRegion& b) { return a.base < b.base; });
    for (const auto& region : located) {
        if (!blocks.empty() && blocks.back().base >= 0 && blocks.back().base + blocks.back().bytes == region.base) {
            blocks.back().bytes += region.bytes;
            blocks.back().name += QStringLiteral(" + ") + region.name;
        } else {
            blocks.push_back(region);
        }
    }
    if (blocks.empty())
        return RamRegion { QStringLiteral("RAM"), sramBytes, -1, true, {} };
    return *std::max_element(
        blocks.begin(), blocks.end(), [](const RamRegion& a, const RamRegion& b) { return a.bytes < b.bytes; });
}

QString defaultBoardId()
{
    return QStringLiteral("stm32f746g-disco");
}

BoardResult<BoardProfile> loadBoardProfile(const QByteArray& json, const QString& sourceName)
{
    const QString prefix = sourceName + QStringLiteral(": ");
    if (json.trimmed().isEmpty())
        return BoardResult<BoardProfile>::failure(prefix + QStringLiteral("the file is empty"));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return BoardResult<BoardProfile>::failure(prefix + QStringLiteral("not valid JSON: ") + parseError.errorString()
            + QStringLiteral(" at byte %1").arg(parseError.offset));
    if (!document.isObject())
        return BoardResult<BoardProfile>::failure(prefix + QStringLiteral("expected a JSON object at the top level"));

    QString error;
    FieldReader r(document.object(), {}, &error);
    BoardProfile b;

    b.formatVersion = static_cast<int>(r.integer(
        QStringLiteral("format_version"), false, 1, 1000, QStringLiteral("format versions are small numbers")));
    if (!r.failed() && b.formatVersion != 1)
        r.fail(QStringLiteral("format_version %1 is newer than this TinyScope understands (1)").arg(b.formatVersion));

    b.id = r.string(QStringLiteral("id"), true, true);
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9][a-z0-9._-]*$"));
    if (!r.failed() && !idPattern.match(b.id).hasMatch())
        r.fail(r.fieldName(QStringLiteral("id"))
            + QStringLiteral(" may only use a-z, 0-9, '-', '_' and '.', starting with a letter or digit (got ")
            + quoted(b.id) + QLatin1Char(')'));
    b.name = r.string(QStringLiteral("name"), true, true);
    b.vendor = r.string(QStringLiteral("vendor"), false);
    b.mcu = r.string(QStringLiteral("mcu"), false);
    b.core = r.string(QStringLiteral("core"), true, true);

    b.clockHz = r.integer(QStringLiteral("clock_hz"), true, 0, kMaxClockHz,
        QStringLiteral("microcontrollers run below 5 GHz; the unit is Hz"));
    if (!r.failed() && b.clockHz < kMinClockHz)
        r.fail(r.fieldName(QStringLiteral("clock_hz"))
            + QStringLiteral(" is too small (%1 Hz; the unit is Hz, not MHz)").arg(b.clockHz));

    b.sramBytes = r.bytes(QStringLiteral("sram_bytes"), true);
    if (!r.failed() && b.sramBytes == 0)
        r.fail(r.fieldName(QStringLiteral("sram_bytes")) + QStringLiteral(" must be positive"));
    b.sramNote = r.string(QStringLiteral("sram_note"), false);

    if (!r.failed() && r.has(QStringLiteral("ram_regions"))) {
        const QJsonValue regions = r.object().value(QStringLiteral("ram_regions"));
        if (!regions.isArray()) {
            r.fail(r.fieldName(QStringLiteral("ram_regions")) + QStringLiteral(" must be an array, not ")
                + jsonTypeName(regions));
        } else {
            const QJsonArray array = regions.toArray();
            for (qsizetype i = 0; i < array.size() && !r.failed(); ++i) {
                const QString itemPrefix = QStringLiteral("ram_regions[%1].").arg(i);
                if (!array.at(i).isObject()) {
                    r.fail(QStringLiteral("field ") + quoted(QStringLiteral("ram_regions[%1]").arg(i))
                        + QStringLiteral(" must be an object, not ") + jsonTypeName(array.at(i)));
                    break;
                }
                FieldReader rr(array.at(i).toObject(), itemPrefix, &error);
                RamRegion region;
                region.name = rr.string(QStringLiteral("name"), true, true);
                region.bytes = rr.bytes(QStringLiteral("bytes"), true);
                if (!rr.failed() && region.bytes == 0)
                    rr.fail(rr.fieldName(QStringLiteral("bytes")) + QStringLiteral(" must be positive"));
                region.base = rr.address(QStringLiteral("base"));
                region.data = rr.boolean(QStringLiteral("data"), true);
                region.note = rr.string(QStringLiteral("note"), false);
                b.ramRegions.push_back(region);
            }
        }
    }
    if (!r.failed() && !b.ramRegions.empty()) {
        qint64 dataBytes = 0;
        for (const auto& region : b.ramRegions)
            dataBytes += region.data ? region.bytes : 0;
        if (dataBytes != b.sramBytes)
            r.fail(QStringLiteral("the data regions in \"ram_regions\" add up to %1 bytes, but \"sram_bytes\" is %2")
                       .arg(dataBytes)
                       .arg(b.sramBytes));
    }

    b.flashBytes = r.bytes(QStringLiteral("flash_bytes"), true);
    b.externalFlash = readExternal(r, QStringLiteral("external_flash"), &error);
    b.externalRam = readExternal(r, QStringLiteral("external_ram"), &error);
    if (!r.failed() && b.totalFlashBytes() == 0)
        r.fail(QStringLiteral("the board has no flash: \"flash_bytes\" is 0 and no \"external_flash\" counts "
                              "(set \"in_budget\": true when the program runs from it)"));

    const QString fpu = r.string(QStringLiteral("fpu"), false);
    if (!r.failed() && !fpu.isEmpty()) {
        if (const auto kind = fpuFromName(fpu))
            b.fpu = *kind;
        else
            r.fail(r.fieldName(QStringLiteral("fpu")) + QStringLiteral(" must be \"none\", \"sp\" or \"dp\" (got ")
                + quoted(fpu) + QLatin1Char(')'));
    }
    b.dsp = r.boolean(QStringLiteral("dsp"), false);
    b.helium = r.boolean(QStringLiteral("helium"), false);
    const QString counter = r.string(QStringLiteral("cycle_counter"), false);
    if (!r.failed() && !counter.isEmpty()) {
        if (const auto kind = cycleCounterFromName(counter))
            b.cycleCounter = *kind;
        else
            r.fail(r.fieldName(QStringLiteral("cycle_counter"))
                + QStringLiteral(" must be \"none\", \"dwt\" or \"ccount\" (got ") + quoted(counter)
                + QLatin1Char(')'));
    }

    static const QRegularExpression vidPidPattern(QStringLiteral("^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$"));
    for (const QString& vidPid : r.stringList(QStringLiteral("usb_vid_pid"))) {
        if (!vidPidPattern.match(vidPid).hasMatch()) {
            r.fail(r.fieldName(QStringLiteral("usb_vid_pid"))
                + QStringLiteral(" must hold USB IDs like \"0483:374b\" (got ") + quoted(vidPid) + QLatin1Char(')'));
            break;
        }
        b.usbVidPid << vidPid.toLower();
    }
    b.qemuMachine = r.string(QStringLiteral("qemu_machine"), false);

    b.reservedRamBytes = r.bytes(QStringLiteral("reserved_ram_bytes"), false, kDefaultReservedRamBytes);
    b.reservedFlashBytes = r.bytes(QStringLiteral("reserved_flash_bytes"), false, kDefaultReservedFlashBytes);
    if (!r.failed() && b.reservedRamBytes > b.totalRamBytes())
        r.fail(QStringLiteral("\"reserved_ram_bytes\" (%1) is more than the board's RAM (%2)")
                   .arg(b.reservedRamBytes)
                   .arg(b.totalRamBytes()));
    if (!r.failed() && b.reservedFlashBytes > b.totalFlashBytes())
        r.fail(QStringLiteral("\"reserved_flash_bytes\" (%1) is more than the board's flash (%2)")
                   .arg(b.reservedFlashBytes)
                   .arg(b.totalFlashBytes()));

    b.notes = r.stringList(QStringLiteral("notes")).join(QLatin1Char(' '));
    b.sources = r.stringList(QStringLiteral("source"));

    if (!error.isEmpty())
        return BoardResult<BoardProfile>::failure(prefix + error);
    b.sourcePath = sourceName;
    return BoardResult<BoardProfile>::success(std::move(b));
}

BoardResult<BoardProfile> loadBoardProfileFile(const QString& path)
{
    const QFileInfo info(path);
    if (info.exists() && !info.isFile()) {
        return BoardResult<BoardProfile>::failure(
            path + QStringLiteral(": not a regular file (a folder, a device or a pipe?)"));
    }
    // A board profile is a few KB of JSON; anything much larger is not one, and is not read into memory.
    constexpr qint64 kMaxProfileBytes = 1024 * 1024;
    if (info.exists() && info.size() > kMaxProfileBytes) {
        return BoardResult<BoardProfile>::failure(
            path + QStringLiteral(": %1 bytes, too large for a board profile (at most 1 MiB)").arg(info.size()));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return BoardResult<BoardProfile>::failure(path + QStringLiteral(": cannot read: ") + file.errorString());
    auto result = loadBoardProfile(file.readAll(), path);
    return result;
}

QByteArray boardProfileToJson(const BoardProfile& b)
{
    QJsonObject o;
    o.insert(QStringLiteral("format_version"), b.formatVersion);
    o.insert(QStringLiteral("id"), b.id);
    o.insert(QStringLiteral("name"), b.name);
    o.insert(QStringLiteral("vendor"), b.vendor);
    o.insert(QStringLiteral("mcu"), b.mcu);
    o.insert(QStringLiteral("core"), b.core);
    o.insert(QStringLiteral("clock_hz"), static_cast<double>(b.clockHz));
    o.insert(QStringLiteral("sram_bytes"), static_cast<double>(b.sramBytes));
    if (!b.sramNote.isEmpty())
        o.insert(QStringLiteral("sram_note"), b.sramNote);
    if (!b.ramRegions.empty()) {
        QJsonArray regions;
        for (const auto& region : b.ramRegions) {
            QJsonObject ro;
            ro.insert(QStringLiteral("name"), region.name);
            ro.insert(QStringLiteral("bytes"), static_cast<double>(region.bytes));
            if (region.base >= 0)
                ro.insert(QStringLiteral("base"), hexAddress(region.base));
            if (!region.data)
                ro.insert(QStringLiteral("data"), false);
            if (!region.note.isEmpty())
                ro.insert(QStringLiteral("note"), region.note);
            regions.append(ro);
        }
        o.insert(QStringLiteral("ram_regions"), regions);
    }
    o.insert(QStringLiteral("flash_bytes"), static_cast<double>(b.flashBytes));
    const auto external = [&o](const QString& key, const ExternalMemory& memory) {
        if (memory.bytes <= 0)
            return;
        QJsonObject eo;
        eo.insert(QStringLiteral("bytes"), static_cast<double>(memory.bytes));
        eo.insert(QStringLiteral("kind"), memory.kind);
        eo.insert(QStringLiteral("in_budget"), memory.inBudget);
        o.insert(key, eo);
    };
    external(QStringLiteral("external_flash"), b.externalFlash);
    external(QStringLiteral("external_ram"), b.externalRam);
    o.insert(QStringLiteral("fpu"), fpuKindName(b.fpu));
    o.insert(QStringLiteral("dsp"), b.dsp);
    o.insert(QStringLiteral("helium"), b.helium);
    o.insert(QStringLiteral("cycle_counter"), cycleCounterName(b.cycleCounter));
    o.insert(QStringLiteral("usb_vid_pid"), QJsonArray::fromStringList(b.usbVidPid));
    if (!b.qemuMachine.isEmpty())
        o.insert(QStringLiteral("qemu_machine"), b.qemuMachine);
    o.insert(QStringLiteral("reserved_ram_bytes"), static_cast<double>(b.reservedRamBytes));
    o.insert(QStringLiteral("reserved_flash_bytes"), static_cast<double>(b.reservedFlashBytes));
    o.insert(QStringLiteral("notes"), b.notes);
    o.insert(QStringLiteral("source"), QJsonArray::fromStringList(b.sources));
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

BoardList builtinBoards()
{
    BoardList list;
    const QDir dir(QStringLiteral(":/tinyscope/boards"));
    const QStringList files = dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    for (const QString& file : files) {
        if (file == kCodeSizeFile)
            continue;
        auto result = loadBoardProfileFile(dir.filePath(file));
        if (!result) {
            list.errors << result.error;
            continue;
        }
        result.value->builtin = true;
        list.boards.push_back(std::move(*result.value));
    }
    sortByName(list.boards);
    return list;
}

BoardList loadUserBoards(const QString& dirPath)
{
    BoardList list;
    const QDir dir(dirPath);
    if (dirPath.isEmpty() || !dir.exists())
        return list;
    std::map<QString, QString> fileOfId;
    const QStringList files = dir.entryList({ QStringLiteral("*.json") }, QDir::Files | QDir::Readable, QDir::Name);
    for (const QString& file : files) {
        const QString path = dir.filePath(file);
        auto result = loadBoardProfileFile(path);
        if (!result) {
            list.errors << result.error;
            continue;
        }
        const auto [it, inserted] = fileOfId.emplace(result.value->id, path);
        if (!inserted) {
            list.errors << path + QStringLiteral(": board id ") + quoted(result.value->id)
                    + QStringLiteral(" is already used by ") + it->second;
            continue;
        }
        list.boards.push_back(std::move(*result.value));
    }
    sortByName(list.boards);
    return list;
}

BoardResult<QString> saveUserBoard(const BoardProfile& board, const QString& dirPath)
{
    const QByteArray json = boardProfileToJson(board);
    const QString path = QDir(dirPath).filePath(board.id + QStringLiteral(".json"));
    // Validate through the loader so that what we write is always what we can read back.
    const auto check = loadBoardProfile(json, path);
    if (!check)
        return BoardResult<QString>::failure(check.error);
    if (!QDir().mkpath(dirPath))
        return BoardResult<QString>::failure(dirPath + QStringLiteral(": cannot create the folder"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return BoardResult<QString>::failure(path + QStringLiteral(": cannot write: ") + file.errorString());
    if (file.write(json) != json.size() || !file.commit())
        return BoardResult<QString>::failure(path + QStringLiteral(": cannot write: ") + file.errorString());
    return BoardResult<QString>::success(path);
}

QString defaultUserBoardsDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/boards");
}

QString makeBoardId(const QString& name)
{
    QString id;
    bool dash = false;
    for (const QChar c : name.toLower()) {
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'))) {
            if (dash && !id.isEmpty())
                id += QLatin1Char('-');
            id += c;
            dash = false;
        } else {
            dash = true;
        }
    }
    return id.isEmpty() ? QStringLiteral("board") : id;
}

} // namespace Devices
