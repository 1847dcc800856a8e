// SPDX-License-Identifier: GPL-3.0-or-later
#include "model.h"

namespace Profiler {

std::size_t Model::operatorCount() const
{
    std::size_t n = 0;
    for (const auto& sg : subgraphs)
        n += sg.operators.size();
    return n;
}

std::size_t Model::tensorCount() const
{
    std::size_t n = 0;
    for (const auto& sg : subgraphs)
        n += sg.tensors.size();
    return n;
}

const Tensor* Subgraph::tensorAt(int index) const
{
    return index >= 0 && static_cast<std::size_t>(index) < tensors.size() ? &tensors[static_cast<std::size_t>(index)]
                                                                          : nullptr;
}

const Tensor* Subgraph::operandAt(const std::vector<int>& operands, std::size_t pos) const
{
    return pos < operands.size() ? tensorAt(operands[pos]) : nullptr;
}

QString shapeToString(const Tensor& tensor)
{
    if (!tensor.hasRank)
        return QStringLiteral("unranked");
    if (tensor.shape.empty())
        return QStringLiteral("scalar");
    QString s;
    for (std::size_t i = 0; i < tensor.shape.size(); ++i) {
        if (i)
            s += QLatin1Char('x');
        const bool dynamic = i < tensor.shapeSignature.size() && tensor.shapeSignature[i] < 0;
        s += dynamic ? QStringLiteral("?") : QString::number(tensor.shape[i]);
    }
    return s;
}

} // namespace Profiler
