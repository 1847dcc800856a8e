// SPDX-License-Identifier: GPL-3.0-or-later
#include "opinfo.h"

#include "model/datatype.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <optional>
#include <utility>
#include <vector>

namespace Profiler {

namespace {

struct CategoryName
{
    OpCategory category;
    const char* name;
};

constexpr std::array<CategoryName, 15> kCategories { {
    { OpCategory::Convolution, "convolution" },
    { OpCategory::FullyConnected, "fully_connected" },
    { OpCategory::Recurrent, "recurrent" },
    { OpCategory::Pooling, "pooling" },
    { OpCategory::Activation, "activation" },
    { OpCategory::Elementwise, "elementwise" },
    { OpCategory::Normalization, "normalization" },
    { OpCategory::Reduction, "reduction" },
    { OpCategory::Reshape, "reshape" },
    { OpCategory::Quantization, "quantization" },
    { OpCategory::ControlFlow, "control_flow" },
    { OpCategory::Resource, "resource" },
    { OpCategory::Signal, "signal" },
    { OpCategory::Custom, "custom" },
    { OpCategory::Other, "other" },
} };

std::optional<OpCategory> categoryFromName(const QString& name)
{
    for (const auto& c : kCategories) {
        if (name == QLatin1String(c.name))
            return c.category;
    }
    return std::nullopt;
}

/** Where a role's tensor sits in the operator: input or output slot `index`. */
struct TensorSlot
{
    bool output = false;
    int index = 0;
};

/** A named tensor of an operator ("input", "weights", "bias", ...). */
struct Role
{
    QString name;
    TensorSlot slot;
    bool optional = false;
};

/** What one rule demands of one role's type. */
struct Constraint
{
    enum class Kind { Any, Types, SameAs };
    Kind kind = Kind::Any;
    std::vector<DataType> types;
    int sameAs = -1; ///< role index, for Kind::SameAs
};

/** One accepted combination: constraints by role index; roles not listed are unconstrained. */
struct Rule
{
    std::vector<std::pair<int, Constraint>> constraints;

    const Constraint* constraintFor(int role) const
    {
        for (const auto& c : constraints) {
            if (c.first == role)
                return &c.second;
        }
        return nullptr;
    }
};

using RoleTypes = std::vector<std::optional<DataType>>; ///< per role; nullopt for an omitted optional tensor

bool satisfies(const Constraint& c, const RoleTypes& types, int role)
{
    const auto& type = types[static_cast<std::size_t>(role)];
    if (!type)
        return true; // an omitted optional tensor constrains nothing
    switch (c.kind) {
    case Constraint::Kind::Any:
        return true;
    case Constraint::Kind::Types:
        return std::find(c.types.begin(), c.types.end(), *type) != c.types.end();
    case Constraint::Kind::SameAs: {
        const auto& other = types[static_cast<std::size_t>(c.sameAs)];
        return !other || *other == *type;
    }
    }
    return false;
}

bool matches(const Rule& rule, const RoleTypes& types)
{
    return std::all_of(rule.constraints.begin(), rule.constraints.end(),
        [&](const auto& c) { return satisfies(c.second, types, c.first); });
}

QString displayName(const QString& role)
{
    QString s = role;
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    return s;
}

QString typeList(const std::vector<DataType>& types)
{
    QStringList names;
    for (DataType t : types)
        names << dataTypeName(t);
    return names.join(QStringLiteral(", "));
}

void addUnique(std::vector<DataType>& list, const std::vector<DataType>& more)
{
    for (DataType t : more) {
        if (std::find(list.begin(), list.end(), t) == list.end())
            list.push_back(t);
    }
}

} // namespace

struct OperatorSupport::Entry
{
    QString name;
    OpCategory category = OpCategory::Other;
    bool hasKernel = false;
    QString unavailable; ///< why a kernel TFLM knows is not in the reference build
    QString missingHint; ///< added to the "no kernel" reason
    std::vector<Role> roles;
    int primary = 0; ///< role index a reason leads with
    std::vector<Rule> rules;

    int roleIndex(const QString& role) const
    {
        for (std::size_t i = 0; i < roles.size(); ++i) {
            if (roles[i].name == role)
                return static_cast<int>(i);
        }
        return -1;
    }
};

struct OperatorSupport::Data
{
    QString error;
    QHash<QString, Entry> builtin;
    QHash<QString, Entry> custom;
    std::vector<std::pair<QString, QString>> customPrefixes; ///< prefix, reason
    QStringList supported;

    void parse(const QByteArray& json);

private:
    bool fail(const QString& message)
    {
        if (error.isEmpty())
            error = message;
        return false;
    }
    bool parseEntry(const QString& name, const QJsonValue& value, Entry* entry);
    bool parseKernel(const QString& name, const QJsonObject& tflm, Entry* entry);
    bool parseConstraint(const QString& name, const Entry& entry, const QJsonValue& value, Constraint* c);
};

void OperatorSupport::Data::parse(const QByteArray& json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull()) {
        fail(QStringLiteral("not valid JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
        return;
    }
    if (!doc.isObject()) {
        fail(QStringLiteral("the document is not a JSON object"));
        return;
    }
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("version")).toInt(-1) != 1) {
        fail(QStringLiteral("unsupported version %1 (expected 1)")
                 .arg(root.value(QLatin1String("version")).toVariant().toString()));
        return;
    }
    const QJsonValue builtinValue = root.value(QLatin1String("builtin"));
    if (!builtinValue.isObject() || builtinValue.toObject().isEmpty()) {
        fail(QStringLiteral("the \"builtin\" object is missing or empty"));
        return;
    }
    const QJsonObject builtins = builtinValue.toObject();
    for (auto it = builtins.begin(); it != builtins.end(); ++it) {
        Entry entry;
        if (!parseEntry(it.key(), it.value(), &entry))
            return;
        if (entry.hasKernel && entry.unavailable.isEmpty())
            supported << entry.name;
        builtin.insert(entry.name, std::move(entry));
    }
    const QJsonObject customs = root.value(QLatin1String("custom")).toObject();
    for (auto it = customs.begin(); it != customs.end(); ++it) {
        Entry entry;
        if (!parseEntry(it.key(), it.value(), &entry))
            return;
        custom.insert(entry.name, std::move(entry));
    }
    const QJsonObject prefixes = root.value(QLatin1String("customPrefixes")).toObject();
    for (auto it = prefixes.begin(); it != prefixes.end(); ++it) {
        if (it.key().isEmpty() || !it.value().isString()) {
            fail(QStringLiteral("customPrefixes: \"%1\" needs a non-empty prefix and a reason").arg(it.key()));
            return;
        }
        customPrefixes.emplace_back(it.key(), it.value().toString());
    }
    supported.sort();
}

bool OperatorSupport::Data::parseEntry(const QString& name, const QJsonValue& value, Entry* entry)
{
    if (!value.isObject())
        return fail(QStringLiteral("%1: the entry is not an object").arg(name));
    const QJsonObject obj = value.toObject();
    entry->name = name;
    const QString categoryName = obj.value(QLatin1String("category")).toString();
    const auto category = categoryFromName(categoryName);
    if (!category)
        return fail(QStringLiteral("%1: unknown category \"%2\"").arg(name, categoryName));
    entry->category = *category;
    entry->missingHint = obj.value(QLatin1String("tflmMissing")).toString();
    entry->unavailable = obj.value(QLatin1String("tflmUnavailable")).toString();
    const QJsonValue tflm = obj.value(QLatin1String("tflm"));
    if (tflm.isUndefined())
        return true;
    if (!tflm.isObject())
        return fail(QStringLiteral("%1: \"tflm\" is not an object").arg(name));
    entry->hasKernel = true;
    return parseKernel(name, tflm.toObject(), entry);
}

bool OperatorSupport::Data::parseKernel(const QString& name, const QJsonObject& tflm, Entry* entry)
{
    static const QRegularExpression slotPattern(QStringLiteral("^(in|out)(\\d{1,3})$"));
    const QJsonValue tensorsValue = tflm.value(QLatin1String("tensors"));
    if (tensorsValue.isUndefined()) {
        entry->roles.push_back({ QStringLiteral("input"), { false, 0 }, false });
        entry->roles.push_back({ QStringLiteral("output"), { true, 0 }, false });
    } else {
        const QJsonObject tensors = tensorsValue.toObject();
        if (tensors.isEmpty())
            return fail(QStringLiteral("%1: \"tensors\" must be a non-empty object").arg(name));
        for (auto it = tensors.begin(); it != tensors.end(); ++it) {
            const auto match = slotPattern.match(it.value().toString());
            if (!match.hasMatch())
                return fail(QStringLiteral("%1: tensor role \"%2\" needs a slot like in0 or out0").arg(name, it.key()));
            Role role;
            role.name = it.key();
            role.slot.output = match.captured(1) == QLatin1String("out");
            role.slot.index = match.captured(2).toInt();
            entry->roles.push_back(role);
        }
    }
    for (const QJsonValue v : tflm.value(QLatin1String("optional")).toArray()) {
        const int role = entry->roleIndex(v.toString());
        if (role < 0)
            return fail(QStringLiteral("%1: optional role \"%2\" is not a tensor role").arg(name, v.toString()));
        entry->roles[static_cast<std::size_t>(role)].optional = true;
    }
    const QString primary = tflm.value(QLatin1String("primary")).toString(QStringLiteral("input"));
    entry->primary = entry->roleIndex(primary);
    if (entry->primary < 0)
        return fail(QStringLiteral("%1: primary role \"%2\" is not a tensor role").arg(name, primary));

    std::vector<int> same;
    for (const QJsonValue v : tflm.value(QLatin1String("same")).toArray()) {
        const int role = entry->roleIndex(v.toString());
        if (role < 0 || role == entry->primary)
            return fail(QStringLiteral("%1: \"same\" role \"%2\" is not another tensor role").arg(name, v.toString()));
        same.push_back(role);
    }

    const QJsonArray accepts = tflm.value(QLatin1String("accepts")).toArray();
    if (accepts.isEmpty())
        return fail(QStringLiteral("%1: \"accepts\" must list at least one rule").arg(name));
    for (const QJsonValue v : accepts) {
        Rule rule;
        if (v.isString()) {
            Constraint c;
            if (!parseConstraint(name, *entry, v, &c))
                return false;
            rule.constraints.emplace_back(entry->primary, std::move(c));
        } else if (v.isObject()) {
            const QJsonObject obj = v.toObject();
            for (auto it = obj.begin(); it != obj.end(); ++it) {
                const int role = entry->roleIndex(it.key());
                if (role < 0)
                    return fail(
                        QStringLiteral("%1: rule names \"%2\", which is not a tensor role").arg(name, it.key()));
                Constraint c;
                if (!parseConstraint(name, *entry, it.value(), &c))
                    return false;
                if (c.kind == Constraint::Kind::SameAs && c.sameAs == role)
                    return fail(QStringLiteral("%1: role \"%2\" cannot refer to itself").arg(name, it.key()));
                rule.constraints.emplace_back(role, std::move(c));
            }
        } else {
            return fail(QStringLiteral("%1: a rule must be a type name or an object").arg(name));
        }
        for (int role : same) {
            if (rule.constraintFor(role))
                return fail(QStringLiteral("%1: \"%2\" is both in \"same\" and in a rule")
                                .arg(name, entry->roles[static_cast<std::size_t>(role)].name));
            Constraint c;
            c.kind = Constraint::Kind::SameAs;
            c.sameAs = entry->primary;
            rule.constraints.emplace_back(role, std::move(c));
        }
        entry->rules.push_back(std::move(rule));
    }
    return true;
}

bool OperatorSupport::Data::parseConstraint(
    const QString& name, const Entry& entry, const QJsonValue& value, Constraint* c)
{
    QStringList names;
    if (value.isString()) {
        names << value.toString();
    } else if (value.isArray() && !value.toArray().isEmpty()) {
        for (const QJsonValue v : value.toArray()) {
            if (!v.isString())
                return fail(QStringLiteral("%1: type lists hold only type names").arg(name));
            names << v.toString();
        }
    } else {
        return fail(QStringLiteral("%1: a constraint must be a type name or a non-empty list of them").arg(name));
    }
    if (names.size() == 1 && names.first() == QLatin1String("*")) {
        c->kind = Constraint::Kind::Any;
        return true;
    }
    if (names.size() == 1 && names.first().startsWith(QLatin1Char('='))) {
        const QString other = names.first().mid(1);
        c->kind = Constraint::Kind::SameAs;
        c->sameAs = entry.roleIndex(other);
        if (c->sameAs < 0)
            return fail(QStringLiteral("%1: \"=%2\" refers to no tensor role").arg(name, other));
        return true;
    }
    c->kind = Constraint::Kind::Types;
    for (const QString& n : names) {
        const auto type = dataTypeFromName(n);
        if (!type || *type == DataType::Unknown)
            return fail(QStringLiteral("%1: unknown type name \"%2\"").arg(name, n));
        c->types.push_back(*type);
    }
    return true;
}

QString opCategoryName(OpCategory category)
{
    for (const auto& c : kCategories) {
        if (c.category == category)
            return QString::fromLatin1(c.name);
    }
    return QStringLiteral("other");
}

OpCategory opCategory(const QString& opType, bool isCustom)
{
    return OperatorSupport::tflmReference().category(opType, isCustom);
}

QString supportStatusName(SupportStatus status)
{
    switch (status) {
    case SupportStatus::Supported:
        return QStringLiteral("supported");
    case SupportStatus::Unsupported:
        return QStringLiteral("unsupported");
    case SupportStatus::Unknown:
        return QStringLiteral("unknown");
    }
    return QStringLiteral("unknown");
}

OperatorSupport::OperatorSupport()
    : d(new Data)
{ }

OperatorSupport::~OperatorSupport()
{
    delete d;
}

const OperatorSupport& OperatorSupport::tflmReference()
{
    // Parsed once, on first use; the initialisation of a function-local static is thread-safe.
    static const std::unique_ptr<OperatorSupport> table = [] {
        std::unique_ptr<OperatorSupport> s(new OperatorSupport);
        const QString path = QStringLiteral(":/tinyscope/profiler/operators.json");
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            s->d->error = QStringLiteral("cannot open %1: %2").arg(path, file.errorString());
        else
            s->d->parse(file.readAll());
        return s;
    }();
    return *table;
}

std::unique_ptr<OperatorSupport> OperatorSupport::fromJson(const QByteArray& json)
{
    std::unique_ptr<OperatorSupport> s(new OperatorSupport);
    s->d->parse(json);
    return s;
}

QString OperatorSupport::errorString() const
{
    return d->error;
}

QStringList OperatorSupport::supportedOperators() const
{
    return d->error.isEmpty() ? d->supported : QStringList();
}

OpCategory OperatorSupport::category(const QString& opType, bool isCustom) const
{
    if (isCustom)
        return OpCategory::Custom;
    if (!d->error.isEmpty())
        return OpCategory::Other;
    const auto it = d->builtin.constFind(opType);
    return it == d->builtin.constEnd() ? OpCategory::Other : it->category;
}

SupportVerdict OperatorSupport::check(const Operator& op, const Subgraph& subgraph) const
{
    const auto verdict = [](SupportStatus status, const QString& reason) { return SupportVerdict { status, reason }; };
    if (!d->error.isEmpty()) {
        return verdict(SupportStatus::Unknown,
            QStringLiteral("TinyScope's operator table could not be loaded (%1)").arg(d->error));
    }

    const Entry* entry = nullptr;
    if (op.isCustom) {
        const auto it = d->custom.constFind(op.type);
        if (it == d->custom.constEnd()) {
            for (const auto& prefix : d->customPrefixes) {
                if (op.type.startsWith(prefix.first)) {
                    return verdict(SupportStatus::Unsupported,
                        QStringLiteral("TFLM has no kernel for the custom operator \"%1\": %2")
                            .arg(op.type, prefix.second));
                }
            }
            return verdict(SupportStatus::Unsupported,
                QStringLiteral("TFLM ships no kernel for the custom operator \"%1\", so the application would have to "
                               "register its own")
                    .arg(op.type));
        }
        entry = &*it;
    } else {
        const auto it = d->builtin.constFind(op.type);
        if (it == d->builtin.constEnd()) {
            return verdict(SupportStatus::Unknown,
                QStringLiteral("TinyScope has no support data for the operator %1").arg(op.type));
        }
        entry = &*it;
    }

    if (!entry->unavailable.isEmpty())
        return verdict(SupportStatus::Unsupported, entry->unavailable);
    if (!entry->hasKernel) {
        QString reason = QStringLiteral("TFLM has no kernel for %1").arg(op.type);
        if (!entry->missingHint.isEmpty())
            reason += QStringLiteral(" (%1)").arg(entry->missingHint);
        return verdict(SupportStatus::Unsupported, reason);
    }

    // The types of the operator's tensors, by role. Indices come straight from the file: check every one.
    RoleTypes types(entry->roles.size());
    for (std::size_t r = 0; r < entry->roles.size(); ++r) {
        const Role& role = entry->roles[r];
        const std::vector<int>& indices = role.slot.output ? op.outputs : op.inputs;
        const QString slotName = QStringLiteral("%1 %2")
                                     .arg(role.slot.output ? QStringLiteral("output") : QStringLiteral("input"))
                                     .arg(role.slot.index);
        const bool present = static_cast<std::size_t>(role.slot.index) < indices.size()
            && indices[static_cast<std::size_t>(role.slot.index)] >= 0;
        if (!present) {
            if (role.optional)
                continue;
            return verdict(SupportStatus::Unsupported,
                QStringLiteral("TFLM's %1 kernel needs %2 (%3), which this operator does not have")
                    .arg(op.type, slotName, displayName(role.name)));
        }
        const int tensor = indices[static_cast<std::size_t>(role.slot.index)];
        if (static_cast<std::size_t>(tensor) >= subgraph.tensors.size()) {
            return verdict(SupportStatus::Unknown,
                QStringLiteral("Cannot check %1: its %2 refers to tensor %3, but the subgraph has %4")
                    .arg(op.type, slotName)
                    .arg(tensor)
                    .arg(subgraph.tensors.size() == 1 ? QStringLiteral("1 tensor")
                                                      : QStringLiteral("%1 tensors").arg(subgraph.tensors.size())));
        }
        types[r] = subgraph.tensors[static_cast<std::size_t>(tensor)].type;
    }

    for (const Rule& rule : entry->rules) {
        if (matches(rule, types))
            return verdict(SupportStatus::Supported, QString());
    }

    // Explain the refusal: first the primary tensor's type, then the first other role no candidate rule accepts.
    const QString kernel = QStringLiteral("TFLM's %1 kernel").arg(op.type);
    const int primary = entry->primary;
    const QString primaryName = displayName(entry->roles[static_cast<std::size_t>(primary)].name);
    const auto& primaryType = types[static_cast<std::size_t>(primary)];
    std::vector<const Rule*> candidates;
    std::vector<DataType> primaryAllowed;
    for (const Rule& rule : entry->rules) {
        const Constraint* c = rule.constraintFor(primary);
        if (!c || satisfies(*c, types, primary))
            candidates.push_back(&rule);
        if (c && c->kind == Constraint::Kind::Types)
            addUnique(primaryAllowed, c->types);
    }
    if (candidates.empty()) {
        return verdict(SupportStatus::Unsupported,
            QStringLiteral("%1 does not accept %2 %3 (accepts %4)")
                .arg(kernel, dataTypeName(primaryType.value_or(DataType::Unknown)), primaryName,
                    typeList(primaryAllowed)));
    }
    const QString primaryTypeName = dataTypeName(primaryType.value_or(DataType::Unknown));
    for (std::size_t r = 0; r < entry->roles.size(); ++r) {
        const int role = static_cast<int>(r);
        if (role == primary || !types[r])
            continue;
        const bool accepted = std::any_of(candidates.begin(), candidates.end(), [&](const Rule* rule) {
            const Constraint* c = rule->constraintFor(role);
            return !c || satisfies(*c, types, role);
        });
        if (accepted)
            continue;
        const QString roleName = displayName(entry->roles[r].name);
        const QString typeName = dataTypeName(*types[r]);
        std::vector<DataType> allowed;
        const Constraint* sameAs = nullptr;
        for (const Rule* rule : candidates) {
            const Constraint* c = rule->constraintFor(role);
            if (c && c->kind == Constraint::Kind::Types)
                addUnique(allowed, c->types);
            else if (c && c->kind == Constraint::Kind::SameAs)
                sameAs = c;
        }
        if (allowed.empty() && sameAs) {
            const auto& otherType = types[static_cast<std::size_t>(sameAs->sameAs)];
            return verdict(SupportStatus::Unsupported,
                QStringLiteral("%1 needs the %2 to have the type of the %3 (%4), not %5")
                    .arg(kernel, roleName, displayName(entry->roles[static_cast<std::size_t>(sameAs->sameAs)].name),
                        dataTypeName(otherType.value_or(DataType::Unknown)), typeName));
        }
        return verdict(SupportStatus::Unsupported,
            QStringLiteral("%1 does not accept %2 %3 with %4 %5 (%2 %3 needs %6 %5)")
                .arg(kernel, primaryTypeName, primaryName, typeName, roleName, typeList(allowed)));
    }
    QStringList combination;
    for (std::size_t r = 0; r < entry->roles.size(); ++r) {
        if (types[r])
            combination << QStringLiteral("%1 %2").arg(dataTypeName(*types[r]), displayName(entry->roles[r].name));
    }
    return verdict(SupportStatus::Unsupported,
        QStringLiteral("%1 does not accept this combination of types (%2)")
            .arg(kernel, combination.join(QStringLiteral(", "))));
}

} // namespace Profiler
