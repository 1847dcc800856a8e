// SPDX-License-Identifier: GPL-3.0-or-later
#include "sharedmodels.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTextStream>

namespace TestHelpers {

bool isCi()
{
    return qEnvironmentVariable("CI").compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

QString sharedModelsDir()
{
    QStringList candidates;
    const QString fromEnv = qEnvironmentVariable("TINYSCOPE_SHARED_MODELS");
    if (!fromEnv.isEmpty())
        candidates << fromEnv;
    candidates << QStringLiteral(TINYSCOPE_SOURCE_DIR "/../shared/models");
    for (const QString& c : std::as_const(candidates)) {
        QDir dir(c);
        if (dir.exists() && dir.exists(QStringLiteral("MANIFEST.md")))
            return dir.absolutePath();
    }
    return {};
}

QStringList sharedTfliteModels()
{
    const QString dir = sharedModelsDir();
    if (dir.isEmpty())
        return {};
    QStringList files = QDir(dir).entryList({ QStringLiteral("*.tflite") }, QDir::Files, QDir::Name);
    for (QString& f : files)
        f = dir + QLatin1Char('/') + f;
    return files;
}

std::map<QString, ManifestEntry> readManifest()
{
    std::map<QString, ManifestEntry> entries;
    QFile file(sharedModelsDir() + QStringLiteral("/MANIFEST.md"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return entries;
    // Table rows: | `models/x.tflite` | repo | path | commit | licence | bytes | `sha` | description |
    static const QRegularExpression opsRe(QStringLiteral("; (\\d+) ops?\\b"));
    QTextStream in(&file);
    while (!in.atEnd()) {
        const QString line = in.readLine();
        if (!line.startsWith(QLatin1String("| `models/")))
            continue;
        const QStringList cells = line.split(QLatin1Char('|'));
        if (cells.size() < 9)
            continue;
        ManifestEntry e;
        e.file = cells[1].trimmed().remove(QLatin1Char('`')).section(QLatin1Char('/'), -1);
        e.bytes = cells[6].trimmed().toLongLong();
        e.sha256 = cells[7].trimmed().remove(QLatin1Char('`'));
        const auto m = opsRe.match(cells[8]);
        if (m.hasMatch())
            e.operators = m.captured(1).toInt();
        entries[e.file] = e;
    }
    return entries;
}

} // namespace TestHelpers
