// SPDX-License-Identifier: GPL-3.0-or-later
// Lays out a graph exported by `bench_layout --export DIR` with dagre (the layout engine Netron uses) and counts
// dagre's edge crossings the way TinyScope counts its own. See README.md in this folder.
//
//   node bench/dagre/compare.mjs [--prefix /tmp/dagre-bench] [--runs N] DIR/dnn-10k.json ...
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Builds dagre's graph with the same node sizes and gaps as TinyScope (nodeGap 24, rankGap 48). */
function buildGraph(dagre, data) {
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 48, edgesep: 12 });
    g.setDefaultEdgeLabel(() => ({}));
    data.nodes.forEach(([width, height], i) => g.setNode(String(i), { width, height }));
    // multigraph + a name per edge keeps parallel edges, as TinyScope does.
    data.edges.forEach(([from, to], i) => g.setEdge(String(from), String(to), {}, 'e' + i));
    return g;
}

/** Sum over pairs of segments between the same two neighbouring layers whose ends are strictly inverted.
 *  O(S log S) per layer pair: sort by upper x (then lower x), count earlier segments with a larger lower x. */
function countCrossings(segmentsByLayer) {
    let total = 0;
    for (const segments of segmentsByLayer.values()) {
        segments.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const lowers = [...new Set(segments.map((s) => s[1]))].sort((a, b) => a - b);
        const index = new Map(lowers.map((x, i) => [x, i + 1]));
        const tree = new Float64Array(lowers.length + 1);
        let inserted = 0;
        for (const [, lower] of segments) {
            const p = index.get(lower);
            let atOrLeft = 0;
            for (let i = p; i > 0; i -= i & -i) atOrLeft += tree[i];
            total += inserted - atOrLeft;
            for (let i = p; i < tree.length; i += i & -i) tree[i] += 1;
            inserted += 1;
        }
    }
    return total;
}

function analyse(g) {
    // Layers: every distinct y of a node centre or of a bend point (dagre puts every dummy of a layer on its y).
    const key = (y) => Math.round(y * 1000);
    const ys = new Set();
    const nodeRanks = new Set();
    for (const v of g.nodes()) {
        ys.add(key(g.node(v).y));
        nodeRanks.add(key(g.node(v).y));
    }
    let bends = 0;
    for (const e of g.edges()) {
        const pts = g.edge(e).points;
        for (let i = 1; i + 1 < pts.length; ++i) ys.add(key(pts[i].y));
        bends += Math.max(0, pts.length - 2);
    }
    const layerOf = new Map([...ys].sort((a, b) => a - b).map((y, i) => [y, i]));
    const segmentsByLayer = new Map();
    let skipped = 0;
    for (const e of g.edges()) {
        const a = g.node(e.v), b = g.node(e.w);
        const pts = g.edge(e).points;
        // The route through the layers: source centre, dagre's bend points (its dummy nodes), target centre.
        let route = [[layerOf.get(key(a.y)), a.x]];
        for (let i = 1; i + 1 < pts.length; ++i) route.push([layerOf.get(key(pts[i].y)), pts[i].x]);
        route.push([layerOf.get(key(b.y)), b.x]);
        if (route[0][0] > route[route.length - 1][0]) route = route.reverse();
        for (let i = 0; i + 1 < route.length; ++i) {
            const [l0, x0] = route[i], [l1, x1] = route[i + 1];
            if (l1 !== l0 + 1) { ++skipped; continue; }
            if (!segmentsByLayer.has(l0)) segmentsByLayer.set(l0, []);
            segmentsByLayer.get(l0).push([x0, x1]);
        }
    }
    return { crossings: countCrossings(segmentsByLayer), bends, layers: layerOf.size, ranks: nodeRanks.size, skipped };
}

function layoutFile(file, prefix, runs) {
    const require = createRequire(join(prefix, 'package.json'));
    const dagre = require('dagre');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const times = [];
    let g;
    for (let r = 0; r < runs; ++r) {
        g = buildGraph(dagre, data);
        const t0 = performance.now();
        dagre.layout(g);
        times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const result = analyse(g);
    const ours = data.tinyscope || {};
    return { name: basename(file, '.json'), nodes: data.nodes.length, edges: data.edges.length,
        ms: times[times.length >> 1], ...result, ours };
}

if (isMainThread) {
    const args = process.argv.slice(2);
    let prefix = '/tmp/dagre-bench';
    let runs = 1;
    const files = [];
    for (let i = 0; i < args.length; ++i) {
        if (args[i] === '--prefix') prefix = args[++i];
        else if (args[i] === '--runs') runs = Math.max(1, Number(args[++i]));
        else files.push(args[i]);
    }
    if (files.length === 0) {
        console.error('usage: node compare.mjs [--prefix DIR] [--runs N] GRAPH.json ...');
        process.exit(2);
    }
    console.log(['graph', 'nodes', 'edges', 'dagre ms', 'dagre crossings', 'dagre bends', 'dagre layers',
        'tinyscope ms', 'tinyscope crossings', 'tinyscope dummies', 'tinyscope ranks'].join('\t'));
    for (const file of files) {
        // dagre recurses as deep as the graph is long: a worker gets a stack big enough for 50k ranks.
        const r = await new Promise((resolve, reject) => {
            const worker = new Worker(new URL(import.meta.url), {
                workerData: { file, prefix, runs }, resourceLimits: { stackSizeMb: 2000 } });
            worker.once('message', resolve);
            worker.once('error', reject);
        });
        if (r.skipped) console.error(`${file}: ${r.skipped} segments skip a layer (not counted)`);
        console.log([r.name, r.nodes, r.edges, r.ms.toFixed(0), r.crossings, r.bends, r.layers,
            r.ours.milliseconds?.toFixed(1), r.ours.crossings, r.ours.dummies, r.ours.ranks].join('\t'));
    }
} else {
    parentPort.postMessage(layoutFile(workerData.file, workerData.prefix, workerData.runs));
}
