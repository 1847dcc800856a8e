// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace Profiler {

/** Element type of a tensor, independent of the file format it came from. */
enum class DataType {
    Unknown,
    Bool,
    Int2,
    Int4,
    UInt4,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Float8E4M3,
    Float8E5M2,
    Float16,
    BFloat16,
    Float32,
    Float64,
    Complex64,
    Complex128,
    String, ///< variable-length; no fixed element size
    Resource, ///< handle to a resource variable; holds no data of its own
    Variant, ///< handle to a variant (e.g. tensor list); holds no data of its own
};

/** Lower-case short name: "int8", "float32", "complex64", ... */
QString dataTypeName(DataType type);

/** Parses what dataTypeName() returns; std::nullopt for an unknown name. */
std::optional<DataType> dataTypeFromName(const QString& name);

/** Storage bits per element (4 for int4, 64 for complex64); 0 where the size is not fixed (string, resource). */
int dataTypeBits(DataType type);

/** Bytes needed for `elements` densely packed elements (sub-byte types round up); -1 for unsized types. */
std::int64_t dataTypeBytes(DataType type, std::int64_t elements);

} // namespace Profiler
