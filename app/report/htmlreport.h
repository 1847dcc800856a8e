// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "reportinput.h"

#include <QByteArray>
#include <QString>

namespace Report {

/** Escapes text for HTML element content and quoted attribute values (& < > " '). Model, tensor and board names come
 *  from files anyone can write, so every piece of text in the report goes through this. */
QString htmlEscape(const QString& text);

/** The text that stands where an image was not given: "Image not rendered: <what>." (docs/reports.md). */
QString imageNotRenderedText(const QString& what);

/**
 * The self-contained HTML report (UTF-8): one file with inline CSS, images embedded as data: URIs, no scripts and no
 * external references, readable on screen and printed. Sections: model summary, board fit (one block per board),
 * memory plans, graph and timeline images, latency statistics (with a profile), the layer table.
 */
QByteArray htmlReport(const ReportInput& input);

} // namespace Report
