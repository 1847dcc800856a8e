// SPDX-License-Identifier: GPL-3.0-or-later
// The real main window, offscreen: loading in the background, errors in the banner, stale results dropped,
// recent files, drag and drop, and every view following one selection.
#include "mainwindow.h"
#include "messagebanner.h"
#include "modelloader.h"
#include "selectionhub.h"
#include "sharedmodels.h"

#include <QDropEvent>
#include <QFileInfo>
#include <QMenu>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void opensBundledExample();
    void badFileShowsBanner();
    void keepsModelWhenNextFails();
    void newerLoadWins();
    void cancelKeepsCurrentModel();
    void recentFilesAndDrop();
    void missingRecentFileIsForgotten();
    void startModel();
    void selectionReachesEveryView();
    void everySharedModelInEveryView();
    void screenshot();
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location, not the user's
    QCoreApplication::setOrganizationName(QStringLiteral("TinyScopeTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
}

void TestMainWindow::init()
{
    QSettings().clear();
}

void TestMainWindow::opensBundledExample()
{
    MainWindow w;
    w.show();
    QSignalSpy shown(&w, &MainWindow::documentShown);
    w.openModel(MainWindow::exampleModelPath());
    QVERIFY(shown.wait(30000));
    QVERIFY(w.document());
    QCOMPARE(w.document()->model.subgraphs[0].operators.size(), std::size_t(13));
    QCOMPARE(w.document()->memory.tflm.arenaBytes, std::int64_t(16000));
    QVERIFY(w.windowTitle().contains(QLatin1String("example")));
    QVERIFY(!w.banner()->isVisible());
}

void TestMainWindow::badFileShowsBanner()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.tflite"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not a model");
    f.close();
    MainWindow w;
    w.show();
    QSignalSpy failed(w.loader(), &ModelLoader::loadingFailed);
    w.openModel(path);
    QVERIFY(failed.wait(30000));
    QVERIFY(w.banner()->isVisible());
    QCOMPARE(w.banner()->severity(), Widgets::MessageBanner::Severity::Error);
    QVERIFY(w.banner()->text().startsWith(path));
    QVERIFY(w.banner()->text().contains(QLatin1String("not a TensorFlow Lite file")));
    QVERIFY(!w.document());
}

void TestMainWindow::keepsModelWhenNextFails()
{
    MainWindow w;
    w.show();
    QSignalSpy shown(&w, &MainWindow::documentShown);
    w.openModel(MainWindow::exampleModelPath());
    QVERIFY(shown.wait(30000));
    const auto before = w.document();
    QSignalSpy failed(w.loader(), &ModelLoader::loadingFailed);
    w.openModel(QStringLiteral("/no/such/model.tflite"));
    QVERIFY(failed.wait(30000));
    QCOMPARE(w.document(), before); // nothing already shown is lost
    QVERIFY(w.banner()->text().contains(QLatin1String("no such file")));
}

void TestMainWindow::newerLoadWins()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    MainWindow w;
    w.show();
    QSignalSpy shown(&w, &MainWindow::documentShown);
    w.openModel(dir + QStringLiteral("/coral_mobilenet_v2_100_224_uint8.tflite"));
    w.openModel(dir + QStringLiteral("/tflm_hello_world_int8.tflite"));
    QVERIFY(shown.wait(30000));
    QTest::qWait(200); // a stale result arriving late must not replace the newer one
    QCOMPARE(shown.count(), 1);
    QCOMPARE(QFileInfo(w.currentPath()).fileName(), QStringLiteral("tflm_hello_world_int8.tflite"));
}

void TestMainWindow::cancelKeepsCurrentModel()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    MainWindow w;
    w.show();
    QSignalSpy shown(&w, &MainWindow::documentShown);
    w.openModel(MainWindow::exampleModelPath());
    QVERIFY(shown.wait(30000));
    QSignalSpy cancelled(w.loader(), &ModelLoader::loadingCancelled);
    QSignalSpy finished(w.loader(), &ModelLoader::loadingFinished);
    w.openModel(dir + QStringLiteral("/coral_ssd_lstm_traffic_uint8.tflite"));
    w.loader()->cancel();
    QTRY_VERIFY_WITH_TIMEOUT(cancelled.count() + finished.count() == 1, 30000);
    if (cancelled.count() == 1) // the load may also have finished before the cancel arrived
        QCOMPARE(QFileInfo(w.currentPath()).fileName(), QFileInfo(MainWindow::exampleModelPath()).fileName());
    QVERIFY(!w.loader()->isLoading());
}

void TestMainWindow::recentFilesAndDrop()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    MainWindow w;
    w.show();
    QSignalSpy shown(&w, &MainWindow::documentShown);
    const QString path = dir + QStringLiteral("/tflm_micro_speech_int8.tflite");
    // The offscreen platform registers no drop sites, so drop events never reach a widget: hand over the data
    // the way dropEvent() does.
    QMimeData mime;
    mime.setUrls({ QUrl::fromLocalFile(path) });
    QVERIFY(w.openDropped(&mime));
    QMimeData text;
    text.setText(QStringLiteral("not a file"));
    QVERIFY(!w.openDropped(&text));
    QVERIFY(shown.wait(30000));
    QCOMPARE(w.currentPath(), path);
    QCOMPARE(w.recentFiles().value(0), QFileInfo(path).absoluteFilePath());
}

void TestMainWindow::missingRecentFileIsForgotten()
{
    // A recent file deleted since: choosing it says so, and the Open Recent menu no longer offers it.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString gone = tmp.filePath(QStringLiteral("gone.tflite"));
    const QString kept = MainWindow::exampleModelPath();
    QSettings().setValue(QStringLiteral("files/recent"), QStringList { gone, kept });
    MainWindow w;
    w.show();
    QMenu* recent = nullptr;
    for (QMenu* menu : w.findChildren<QMenu*>()) {
        if (menu->title() == QLatin1String("Open &Recent"))
            recent = menu;
    }
    QVERIFY(recent);
    QCOMPARE(recent->actions().size(), 2);
    QCOMPARE(recent->actions().at(0)->toolTip(), gone);
    recent->actions().at(0)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.banner()->isVisible(), 30000);
    QVERIFY2(w.banner()->text().contains(QLatin1String("gone.tflite: no such file")), qPrintable(w.banner()->text()));
    QCOMPARE(w.recentFiles(), QStringList { kept });
    QCOMPARE(recent->actions().size(), 1);
    w.forgetRecentFile(QStringLiteral("/not/in/the/list.tflite")); // nothing to forget: no change
    QCOMPARE(w.recentFiles(), QStringList { kept });
}

void TestMainWindow::startModel()
{
    // First start: the example. Later: the last model. The last model gone: the example, a note, and the file off
    // the recent list.
    const QString example = MainWindow::exampleModelPath();
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::documentShown);
        w.openStartModel(false);
        QVERIFY(shown.wait(30000));
        QCOMPARE(w.currentPath(), example);
    }
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString copy = tmp.filePath(QStringLiteral("last.tflite"));
    QVERIFY(QFile::copy(example, copy));
    QSettings().setValue(QStringLiteral("files/recent"), QStringList { QFileInfo(copy).absoluteFilePath() });
    {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::documentShown);
        w.openStartModel(false);
        QVERIFY(shown.wait(30000));
        QCOMPARE(QFileInfo(w.currentPath()).absoluteFilePath(), QFileInfo(copy).absoluteFilePath());
        QVERIFY(!w.banner()->isVisible());
    }
    QVERIFY(QFile::remove(copy));
    {
        MainWindow w;
        w.show();
        QSignalSpy shown(&w, &MainWindow::documentShown);
        w.openStartModel(false);
        QVERIFY(shown.wait(30000));
        QCOMPARE(w.currentPath(), example);
        QTRY_VERIFY(w.banner()->isVisible());
        QVERIFY2(w.banner()->text().contains(QLatin1String("the model of the last session, is no longer there")),
            qPrintable(w.banner()->text()));
        QVERIFY(w.recentFiles().isEmpty());
    }
}

void TestMainWindow::selectionReachesEveryView()
{
    MainWindow w;
    w.show();
    QSignalSpy shown(&w, &MainWindow::documentShown);
    w.openModel(MainWindow::exampleModelPath());
    QVERIFY(shown.wait(30000));
    QSignalSpy ops(w.selectionHub(), &Widgets::SelectionHub::operatorSelected);
    w.selectionHub()->selectOperator(0, 3);
    QCOMPARE(ops.count(), 1); // views echo the selection back without emitting it again
    QCOMPARE(w.selectionHub()->op(), 3);
}

void TestMainWindow::everySharedModelInEveryView()
{
    // Every real model goes through every view, and every operator and tensor of every subgraph is selected
    // once: whatever a model holds, no view may crash on it.
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    for (const QString& path : TestHelpers::sharedTfliteModels()) {
        QSignalSpy shown(&w, &MainWindow::documentShown);
        w.openModel(path);
        QVERIFY2(shown.wait(60000), qPrintable(path));
        const auto doc = w.document();
        QVERIFY(doc);
        Widgets::SelectionHub* hub = w.selectionHub();
        for (std::size_t s = 0; s < doc->model.subgraphs.size(); ++s) {
            const auto& sg = doc->model.subgraphs[s];
            hub->selectSubgraph(static_cast<int>(s));
            for (std::size_t op = 0; op < sg.operators.size(); op += std::max<std::size_t>(1, sg.operators.size() / 40))
                hub->selectOperator(static_cast<int>(s), static_cast<int>(op));
            for (std::size_t t = 0; t < sg.tensors.size(); t += std::max<std::size_t>(1, sg.tensors.size() / 40))
                hub->selectTensor(static_cast<int>(s), static_cast<int>(t));
            QCoreApplication::processEvents();
        }
        hub->selectSubgraph(0);
        QVERIFY(!w.banner()->isVisible() || w.banner()->severity() != Widgets::MessageBanner::Severity::Error);
    }
}

void TestMainWindow::screenshot()
{
    TINYSCOPE_REQUIRE_SHARED_MODELS(dir);
    MainWindow w;
    w.resize(1600, 1000);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy shown(&w, &MainWindow::documentShown);
    w.openModel(dir + QStringLiteral("/mlperf_tiny_vww_mobilenet_v1_025_int8.tflite"));
    QVERIFY(shown.wait(30000));
    w.selectionHub()->selectOperator(0, 3);
    QTest::qWait(300);
    QVERIFY(w.grab().save(QStringLiteral("mainwindow_vww.png")));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
