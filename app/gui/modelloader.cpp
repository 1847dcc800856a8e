// SPDX-License-Identifier: GPL-3.0-or-later
#include "modelloader.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

struct ModelLoader::Job
{
    std::atomic_bool cancelled { false };
    std::atomic_int lastReported { -1 };
};

ModelLoader::ModelLoader(QObject* parent)
    : QObject(parent)
{
}

ModelLoader::~ModelLoader()
{
    if (m_job)
        m_job->cancelled = true;
}

void ModelLoader::load(const QString& path)
{
    if (m_job)
        m_job->cancelled = true; // the running load stops at its next check; its result is stale anyway
    auto job = std::make_shared<Job>();
    m_job = job;
    const int generation = ++m_generation;
    m_loading = true;
    Q_EMIT loadingStarted(path);

    QPointer<ModelLoader> self(this);
    Profiler::Progress progress;
    progress.isCancelled = [job] { return job->cancelled.load(); };
    progress.report = [job, self, generation](int permille) {
        // Throttle: a signal per 1 % is plenty.
        if (permille / 10 == job->lastReported.exchange(permille / 10))
            return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, permille] {
                ModelLoader* loader = self.data(); // read the QPointer once
                if (loader && loader->m_generation == generation)
                    Q_EMIT loader->progressChanged(permille);
            },
            Qt::QueuedConnection);
    };

    auto* watcher = new QFutureWatcher<Profiler::Result<Profiler::ModelDocumentPtr>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path, generation, job] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // superseded by a newer load
        m_loading = false;
        m_job.reset();
        const auto result = watcher->result();
        if (job->cancelled || (!result.ok() && result.error().kind == Profiler::ErrorKind::Cancelled)) {
            Q_EMIT loadingCancelled(path);
            return;
        }
        if (!result.ok()) {
            Q_EMIT loadingFailed(path, result.error().userMessage);
            return;
        }
        Q_EMIT loadingFinished(path, result.value());
    });
    watcher->setFuture(QtConcurrent::run([path, progress] { return Profiler::openModelDocument(path, progress); }));
}

void ModelLoader::cancel()
{
    if (m_job)
        m_job->cancelled = true;
}
