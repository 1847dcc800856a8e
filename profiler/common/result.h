// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace Profiler {

/** What went wrong, kept apart so callers can react differently (bad file vs. our bug vs. user cancel). */
enum class ErrorKind {
    InvalidInput, ///< the input is not what it claims to be (bad model file, bad settings)
    Io, ///< the file could not be read or written
    Unsupported, ///< a valid input that uses something TinyScope does not handle
    Cancelled, ///< the user cancelled the operation
    Internal, ///< a bug in TinyScope
};

/** An error for the user: a one-line message that names the file and the reason, plus optional detail. */
struct Error
{
    ErrorKind kind = ErrorKind::Internal;
    QString userMessage;
    QString detail;
};

/** A value or an Error. Functions that read untrusted input return this instead of throwing or aborting. */
template <typename T> class Result
{
public:
    Result(T value)
        : m_state(std::move(value))
    { }
    Result(Error error)
        : m_state(std::move(error))
    { }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_state); }
    T& value() & { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T* operator->() const { return &std::get<T>(m_state); }

    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

inline Error makeError(ErrorKind kind, QString userMessage, QString detail = {})
{
    return Error { kind, std::move(userMessage), std::move(detail) };
}

} // namespace Profiler
