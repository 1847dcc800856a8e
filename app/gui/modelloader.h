// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "document/modeldocument.h"

#include <QObject>

#include <atomic>
#include <memory>

/** Opens models off the GUI thread: one load at a time, with progress and Cancel. A newer request makes the
 *  result of an older one stale; stale results are dropped, never shown. */
class ModelLoader : public QObject
{
    Q_OBJECT

public:
    explicit ModelLoader(QObject* parent = nullptr);
    ~ModelLoader() override;

    bool isLoading() const { return m_loading; }

public Q_SLOTS:
    void load(const QString& path);
    void cancel();

Q_SIGNALS:
    void loadingStarted(const QString& path);
    void progressChanged(int permille);
    void loadingFinished(const QString& path, Profiler::ModelDocumentPtr document);
    void loadingFailed(const QString& path, const QString& message);
    void loadingCancelled(const QString& path);

private:
    struct Job;
    std::shared_ptr<Job> m_job;
    int m_generation = 0;
    bool m_loading = false;
};
