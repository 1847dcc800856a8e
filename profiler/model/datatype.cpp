// SPDX-License-Identifier: GPL-3.0-or-later
#include "datatype.h"

#include <array>

namespace Profiler {

namespace {
struct TypeInfo
{
    DataType type;
    const char* name;
    int bits;
};

constexpr std::array<TypeInfo, 24> kTypes { {
    { DataType::Unknown, "unknown", 0 },
    { DataType::Bool, "bool", 8 },
    { DataType::Int2, "int2", 2 },
    { DataType::Int4, "int4", 4 },
    { DataType::UInt4, "uint4", 4 },
    { DataType::Int8, "int8", 8 },
    { DataType::UInt8, "uint8", 8 },
    { DataType::Int16, "int16", 16 },
    { DataType::UInt16, "uint16", 16 },
    { DataType::Int32, "int32", 32 },
    { DataType::UInt32, "uint32", 32 },
    { DataType::Int64, "int64", 64 },
    { DataType::UInt64, "uint64", 64 },
    { DataType::Float8E4M3, "float8_e4m3fn", 8 },
    { DataType::Float8E5M2, "float8_e5m2", 8 },
    { DataType::Float16, "float16", 16 },
    { DataType::BFloat16, "bfloat16", 16 },
    { DataType::Float32, "float32", 32 },
    { DataType::Float64, "float64", 64 },
    { DataType::Complex64, "complex64", 64 },
    { DataType::Complex128, "complex128", 128 },
    { DataType::String, "string", 0 },
    { DataType::Resource, "resource", 0 },
    { DataType::Variant, "variant", 0 },
} };

const TypeInfo& info(DataType type)
{
    for (const auto& t : kTypes) {
        if (t.type == type)
            return t;
    }
    return kTypes[0];
}
} // namespace

QString dataTypeName(DataType type)
{
    return QString::fromLatin1(info(type).name);
}

std::optional<DataType> dataTypeFromName(const QString& name)
{
    for (const auto& t : kTypes) {
        if (name == QLatin1String(t.name))
            return t.type;
    }
    return std::nullopt;
}

int dataTypeBits(DataType type)
{
    return info(type).bits;
}

std::int64_t dataTypeBytes(DataType type, std::int64_t elements)
{
    const int bits = dataTypeBits(type);
    if (bits == 0 || elements < 0)
        return -1;
    // elements is bounded by the loader (see Tensor::elementCount), so this cannot overflow.
    return (elements * bits + 7) / 8;
}

} // namespace Profiler
