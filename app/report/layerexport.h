// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "analysis/layeranalysis.h"
#include "latency/latency.h"
#include "model/model.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

/*
 * The layer table and the profiling session as files for spreadsheets and scripts. CSV follows RFC 4180: one header
 * row, CRLF line ends, fields quoted only when they hold a comma, quote or line break, plain numbers (no grouping,
 * shortest text that reads back to the same double), units in the column names. Fields: docs/reports.md.
 */
namespace Report {

/** A number as plain text: integers without a fraction, doubles in the shortest form that reads back exactly;
 *  empty for NaN and infinities (a CSV cell with no value). */
QString plainNumber(double value);

/**
 * The layer table: the columns of `tinyscope-cli analyze --csv` (Profiler::analysisToCsv, unchanged), followed by the
 * latency columns when `latency` is given (latency_samples, latency_median_ticks ... cycles_per_mac; the *_ms columns
 * only when the profile has a tick rate).
 */
QByteArray layerTableCsv(
    const Profiler::Model& model, const Profiler::ModelAnalysis& analysis, const Profiler::LatencyProfile* latency);

/** The layer table as JSON: Profiler::analysisToJson plus, with a profile, a "latency" object per operator and a
 *  top-level "latency" summary. */
QJsonObject layerTableJson(
    const Profiler::Model& model, const Profiler::ModelAnalysis& analysis, const Profiler::LatencyProfile* latency);

/** One operator's latency statistics as JSON (ticks, and ms when the tick rate is known). */
QJsonObject layerLatencyJson(const Profiler::LatencyProfile& profile, std::size_t layer);

/** The profile's summary (runs, warm-up, totals, warnings) as JSON. */
QJsonObject latencySummaryJson(const Profiler::LatencyProfile& profile);

/**
 * The session as CSV, one row per run x layer: run (position in the session), board_run (the board's numbering),
 * warmup and complete (1/0), layer, op, name, ticks, ms, status ("ok", "not measured", "never ended"). `subgraph`
 * gives the operator types and names; `warmupRun` is LatencyProfile::warmupRun (-1: none).
 */
QByteArray sessionCsv(const Profiler::MeasuredSession& session, const Profiler::Subgraph& subgraph, int warmupRun);

/** Splits RFC 4180 text into records of raw (still quoted) fields joined by commas: the CRLF that ends a record is
 *  one outside quotes. Used to extend a CSV row by row without re-quoting its fields. */
QList<QByteArray> csvRecords(const QByteArray& csv);

} // namespace Report
