// SPDX-License-Identifier: GPL-3.0-or-later
#include "boards/boardfit.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QtGlobal>

#include <cmath>
#include <limits>
#include <set>

namespace Devices {

namespace {

QString trimZeros(QString number)
{
    if (!number.contains(QLatin1Char('.')))
        return number;
    while (number.endsWith(QLatin1Char('0')))
        number.chop(1);
    if (number.endsWith(QLatin1Char('.')))
        number.chop(1);
    return number;
}

QString statusPhrase(FitStatus status)
{
    switch (status) {
    case FitStatus::Fits:
        return QStringLiteral("fits");
    case FitStatus::Tight:
        return QStringLiteral("fits, but tight");
    case FitStatus::DoesNotFit:
        return QStringLiteral("does not fit");
    }
    return {};
}

FitBar makeBar(qint64 used, qint64 budget)
{
    FitBar bar;
    bar.usedBytes = used;
    bar.budgetBytes = budget;
    bar.percent = usagePercent(used, budget);
    bar.status = classifyUsage(used, budget);
    return bar;
}

/** "RAM: 412 KiB needed, 304 KiB available: does not fit (136 %)" */
QString barSentence(const QString& what, const FitBar& bar, qint64 reservedBytes)
{
    QString s = what + QStringLiteral(": ") + formatByteSize(bar.usedBytes) + QStringLiteral(" needed, ");
    if (bar.budgetBytes <= 0)
        s += QStringLiteral("nothing available after the ") + formatByteSize(reservedBytes)
            + QStringLiteral(" reserved: ") + statusPhrase(bar.status);
    else
        s += formatByteSize(bar.budgetBytes) + QStringLiteral(" available: ") + statusPhrase(bar.status)
            + QStringLiteral(" (") + formatPercent(bar.percent) + QLatin1Char(')');
    return s;
}

QString operatorCount(int n)
{
    return n == 1 ? QStringLiteral("1 operator is") : QStringLiteral("%1 operators are").arg(n);
}

QString flashTotalText(const BoardProfile& board)
{
    const bool external = board.externalFlash.inBudget && board.externalFlash.bytes > 0;
    if (external && board.flashBytes > 0)
        return formatByteSize(board.flashBytes) + QStringLiteral(" internal + ")
            + formatByteSize(board.externalFlash.bytes) + QStringLiteral(" external flash");
    if (external)
        return formatByteSize(board.externalFlash.bytes) + QStringLiteral(" external flash");
    return formatByteSize(board.flashBytes) + QStringLiteral(" flash");
}

QString ramTotalText(const BoardProfile& board)
{
    if (board.externalRam.inBudget && board.externalRam.bytes > 0)
        return formatByteSize(board.sramBytes) + QStringLiteral(" SRAM + ") + formatByteSize(board.externalRam.bytes)
            + QStringLiteral(" external RAM");
    return formatByteSize(board.sramBytes) + QStringLiteral(" SRAM");
}

QString buildSuggestion(const FitVerdict& v)
{
    if (v.reorderSavingBytes <= 0 || !v.reorderedRamStatus)
        return {};
    // The alternative arena is TinyScope's plan for its best operator order: part of the saving may come from the
    // plan itself, which TFLM only uses when it is stored in the model (offline memory plan).
    const QString saves = QStringLiteral("Reordering the operators (with TinyScope's arena plan) saves ")
        + formatByteSize(v.reorderSavingBytes);
    const qint64 reorderedUse = v.ram.usedBytes - v.reorderSavingBytes;
    const QString percent = formatPercent(usagePercent(reorderedUse, v.ram.budgetBytes));
    const FitStatus after = *v.reorderedRamStatus;
    switch (v.ram.status) {
    case FitStatus::DoesNotFit:
        if (after == FitStatus::Fits)
            return saves + QStringLiteral(": then it fits (") + percent + QStringLiteral(").");
        if (after == FitStatus::Tight)
            return saves + QStringLiteral(": then it fits, but tightly (") + percent + QStringLiteral(").");
        return saves + QStringLiteral(", but RAM would still be ") + formatByteSize(reorderedUse - v.ram.budgetBytes)
            + QStringLiteral(" short.");
    case FitStatus::Tight:
        if (after == FitStatus::Fits)
            return saves + QStringLiteral(": then RAM use drops to ") + percent
                + QStringLiteral(" and is no longer tight.");
        return saves + QStringLiteral(" of RAM (then ") + percent + QStringLiteral(").");
    case FitStatus::Fits:
        return saves + QStringLiteral(" of RAM (then ") + percent + QStringLiteral(").");
    }
    return {};
}

} // namespace

QString fitStatusName(FitStatus status)
{
    switch (status) {
    case FitStatus::Fits:
        return QStringLiteral("fits");
    case FitStatus::Tight:
        return QStringLiteral("tight");
    case FitStatus::DoesNotFit:
        return QStringLiteral("does not fit");
    }
    return {};
}

FitStatus classifyUsage(qint64 used, qint64 budget)
{
    if (used <= 0)
        return FitStatus::Fits;
    if (budget <= 0 || used > budget)
        return FitStatus::DoesNotFit;
    // used / budget > 90 / 100, in integers so that exactly 90 % is not tight.
    if (used * 100 > budget * kTightPercent)
        return FitStatus::Tight;
    return FitStatus::Fits;
}

double usagePercent(qint64 used, qint64 budget)
{
    if (used <= 0)
        return 0.0;
    if (budget <= 0)
        return std::numeric_limits<double>::infinity();
    return 100.0 * static_cast<double>(used) / static_cast<double>(budget);
}

FitVerdict judgeFit(const FitInput& input, const BoardProfile& board)
{
    FitVerdict v;
    v.flash = makeBar(input.flashNeeded(), board.flashBudgetBytes());
    v.ram = makeBar(input.ramNeeded(), board.ramBudgetBytes());
    v.overall = std::max(v.flash.status, v.ram.status);
    v.unsupportedOperators = input.unsupportedOperators;

    v.sentences << barSentence(QStringLiteral("Flash"), v.flash, board.reservedFlashBytes)
                << barSentence(QStringLiteral("RAM"), v.ram, board.reservedRamBytes);

    QString flashNeed = QStringLiteral("Flash needed: model ") + formatByteSize(input.modelBytes);
    if (input.runtimeCodeBytes > 0)
        flashNeed += QStringLiteral(" + TFLM code ≈ ") + formatByteSize(input.runtimeCodeBytes)
            + QStringLiteral(" (estimate)");
    v.details << flashNeed + QLatin1Char('.');
    v.details << QStringLiteral("Flash available: ") + flashTotalText(board) + QStringLiteral(" − ")
            + formatByteSize(board.reservedFlashBytes) + QStringLiteral(" reserved for the application.");
    QString ramNeed = QStringLiteral("RAM needed: arena ") + formatByteSize(input.arenaBytes);
    if (input.persistentBytes > 0)
        ramNeed += QStringLiteral(" + persistent ≈ ") + formatByteSize(input.persistentBytes);
    v.details << ramNeed + QLatin1Char('.');
    v.details << QStringLiteral("RAM available: ") + ramTotalText(board) + QStringLiteral(" − ")
            + formatByteSize(board.reservedRamBytes)
            + QStringLiteral(" reserved for stack, heap and application data.");

    // The arena is one array: the budget may add up, yet no single block of RAM may hold it.
    const RamRegion block = board.largestContiguousRam();
    if (v.ram.status != FitStatus::DoesNotFit && input.ramNeeded() > block.bytes && block.bytes < board.sramBytes)
        v.warnings << QStringLiteral("The arena must be one contiguous block, but the largest block of RAM is ")
                + block.name + QStringLiteral(" (") + formatByteSize(block.bytes) + QStringLiteral("): ")
                + formatByteSize(input.ramNeeded()) + QStringLiteral(" will not fit in it.");
    if (!input.unsupportedOperators.isEmpty())
        v.unsupportedSentence = operatorCount(static_cast<int>(input.unsupportedOperators.size()))
            + QStringLiteral(" not supported by TFLM's kernels: ")
            + input.unsupportedOperators.join(QStringLiteral(", ")) + QLatin1Char('.');

    switch (v.overall) {
    case FitStatus::Fits:
        v.headline = QStringLiteral("Fits");
        break;
    case FitStatus::Tight:
        v.headline = QStringLiteral("Fits, but tight");
        break;
    case FitStatus::DoesNotFit:
        v.headline = QStringLiteral("Does not fit");
        break;
    }
    if (v.overall != FitStatus::DoesNotFit && !input.unsupportedOperators.isEmpty())
        v.headline += (v.overall == FitStatus::Fits ? QStringLiteral(" in memory, but ") : QStringLiteral("; and "))
            + operatorCount(static_cast<int>(input.unsupportedOperators.size())) + QStringLiteral(" unsupported");

    if (input.reorderedArenaBytes >= 0 && input.reorderedArenaBytes < input.arenaBytes) {
        v.reorderSavingBytes = input.arenaBytes - input.reorderedArenaBytes;
        v.reorderedRamStatus = classifyUsage(input.reorderedArenaBytes + input.persistentBytes, board.ramBudgetBytes());
        v.suggestion = buildSuggestion(v);
    }
    return v;
}

QString formatByteSize(qint64 bytes)
{
    if (bytes < 0)
        return QLatin1Char('-') + formatByteSize(-bytes);
    if (bytes < 1024)
        return QString::number(bytes) + QStringLiteral(" B");
    if (bytes < 1024 * 1024) {
        const double kib = static_cast<double>(bytes) / 1024.0;
        if (kib < 9.95)
            return trimZeros(QString::number(kib, 'f', 1)) + QStringLiteral(" KiB");
        return QString::number(qRound64(kib)) + QStringLiteral(" KiB");
    }
    const double mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
    const int decimals = mib < 10 ? 2 : (mib < 100 ? 1 : 0);
    return trimZeros(QString::number(mib, 'f', decimals)) + QStringLiteral(" MiB");
}

QString formatPercent(double percent)
{
    if (std::isinf(percent))
        return QStringLiteral("∞ %");
    double value = percent;
    int decimals = 0;
    for (const double boundary : { static_cast<double>(kTightPercent), 100.0 }) {
        // Never let rounding move a value onto (or across) a boundary that decides the status.
        if (percent != boundary && std::abs(percent - boundary) < 0.5) {
            decimals = 1;
            value = percent < boundary ? std::floor(percent * 10.0) / 10.0 : std::ceil(percent * 10.0) / 10.0;
        }
    }
    if (percent > 0.0 && percent < 0.5) {
        decimals = 1;
        value = std::max(0.1, std::round(percent * 10.0) / 10.0);
    }
    return QString::number(value, 'f', decimals) + QStringLiteral(" %");
}

BoardResult<TflmCodeSizeTable> loadTflmCodeSizes(const QByteArray& json, const QString& sourceName)
{
    using R = BoardResult<TflmCodeSizeTable>;
    const QString prefix = sourceName + QStringLiteral(": ");
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return R::failure(prefix + QStringLiteral("not valid JSON: ") + parseError.errorString()
            + QStringLiteral(" at byte %1").arg(parseError.offset));
    if (!document.isObject())
        return R::failure(prefix + QStringLiteral("expected a JSON object at the top level"));
    const QJsonObject o = document.object();

    const auto readBytes = [&o](const QString& key, qint64* out) -> QString {
        const QJsonValue v = o.value(key);
        if (v.isUndefined())
            return QStringLiteral("missing required field \"") + key + QLatin1Char('"');
        const double d = v.toDouble(-1.0);
        if (!v.isDouble() || d < 0 || d != std::floor(d) || d > 1e9)
            return QStringLiteral("field \"") + key + QStringLiteral("\" must be a whole number of bytes");
        *out = static_cast<qint64>(d);
        return {};
    };
    TflmCodeSizeTable table;
    for (const auto& [key, out] : { std::pair { QStringLiteral("interpreter_core_bytes"), &table.interpreterBytes },
             std::pair { QStringLiteral("default_kernel_bytes"), &table.defaultKernelBytes } }) {
        const QString error = readBytes(key, out);
        if (!error.isEmpty())
            return R::failure(prefix + error);
    }
    const QJsonValue kernels = o.value(QStringLiteral("kernels"));
    if (!kernels.isObject())
        return R::failure(prefix + QStringLiteral("field \"kernels\" must be an object of operator name -> bytes"));
    const QJsonObject kernelObject = kernels.toObject();
    for (auto it = kernelObject.begin(); it != kernelObject.end(); ++it) {
        const double d = it.value().toDouble(-1.0);
        if (!it.value().isDouble() || d < 0 || d != std::floor(d) || d > 1e9)
            return R::failure(prefix + QStringLiteral("kernel \"") + it.key()
                + QStringLiteral("\" must have a whole number of bytes"));
        table.kernelBytes[it.key()] = static_cast<qint64>(d);
    }
    table.note = o.value(QStringLiteral("note")).toString();
    for (const QJsonValue& source : o.value(QStringLiteral("source")).toArray())
        table.sources << source.toString();
    return R::success(std::move(table));
}

const TflmCodeSizeTable& tflmCodeSizes()
{
    static const TflmCodeSizeTable table = [] {
        const QString path = QStringLiteral(":/tinyscope/boards/tflm_code_size.json");
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            qWarning("TinyScope: cannot read the built-in TFLM code size table");
            return TflmCodeSizeTable {};
        }
        auto result = loadTflmCodeSizes(file.readAll(), path);
        if (!result) {
            qWarning("%s", qUtf8Printable(result.error));
            return TflmCodeSizeTable {};
        }
        return std::move(*result.value);
    }();
    return table;
}

CodeSizeEstimate estimateTflmCodeSize(const QStringList& operatorTypes, const TflmCodeSizeTable& table)
{
    CodeSizeEstimate estimate;
    estimate.interpreterBytes = table.interpreterBytes;
    estimate.totalBytes = table.interpreterBytes;
    std::set<QString> seen;
    for (const QString& type : operatorTypes) {
        if (!seen.insert(type).second)
            continue;
        qint64 bytes = table.defaultKernelBytes;
        if (const auto it = table.kernelBytes.find(type); it != table.kernelBytes.end())
            bytes = it->second;
        else
            estimate.unknownOperators << type;
        estimate.kernels.emplace_back(type, bytes);
        estimate.totalBytes += bytes;
    }
    return estimate;
}

CodeSizeEstimate estimateTflmCodeSize(const QStringList& operatorTypes)
{
    return estimateTflmCodeSize(operatorTypes, tflmCodeSizes());
}

} // namespace Devices
