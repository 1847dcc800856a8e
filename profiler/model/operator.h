// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QVariant>

#include <vector>

namespace Profiler {

/** One named operator option, e.g. {"stride_w", 2} or {"padding", "SAME"}. Values are bool, int, double,
 *  QString or QVariantList. */
struct OperatorOption
{
    QString key;
    QVariant value;
};

/** One operator (layer) of a subgraph, in execution order. */
struct Operator
{
    int index = 0; ///< position in its subgraph's execution order
    QString type; ///< builtin name ("CONV_2D") or the custom code ("ethos-u")
    int builtinCode = -1; ///< format's builtin operator code; -1 when unknown to TinyScope
    bool isCustom = false; ///< a custom operator, kept by name
    int version = 1; ///< operator version (kernel variant) as stored in the file
    std::vector<int> inputs; ///< tensor indices; -1 marks an omitted optional input
    std::vector<int> outputs;
    std::vector<int> intermediates;
    std::vector<OperatorOption> options;
    std::vector<int> calledSubgraphs; ///< subgraphs this operator runs (WHILE, IF, CALL_ONCE, CALL)
    qint64 customOptionsBytes = 0; ///< size of the opaque custom options blob

    /** The option's value, or an invalid QVariant. */
    QVariant option(const QString& key) const
    {
        for (const auto& o : options) {
            if (o.key == key)
                return o.value;
        }
        return {};
    }
};

} // namespace Profiler
