#!/usr/bin/python3
"""Parity fixtures for gradlab's metrics and analysis, made with Debian's scikit-learn.

Run by hand from the repository root (needs `apt-get install python3-sklearn`):

    /usr/bin/python3 scripts/make_sklearn_fixtures.py

It writes small JSON files under test/fixtures/sklearn/ that the TypeScript tests compare
against: every metric on random and edge-case inputs, k-means from given initial centres, PCA,
t-SNE KL divergences and trustworthiness. Inputs are stored with the expected outputs, so the
tests never need Python; only the digits t-SNE test reads the digits file that the same Debian
package installs.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.manifold._t_sne import _joint_probabilities
from sklearn.metrics.pairwise import pairwise_distances
from sklearn.preprocessing import label_binarize

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'sklearn')
DIGITS = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz'


def tolist(x):
    if x is None:
        return None
    if isinstance(x, (float, int, np.floating, np.integer)):
        return float(x) if isinstance(x, (float, np.floating)) else int(x)
    return np.asarray(x).tolist()


def nan_to_none(x):
    """JSON has no NaN: NaN becomes null (the tests map null back to NaN)."""
    if isinstance(x, list):
        return [nan_to_none(v) for v in x]
    if isinstance(x, float) and np.isnan(x):
        return None
    return x


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    print(f'wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)')


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- classification and ranking

def classification_case(name, y_true, y_pred, probs=None, labels=None, decimals=6):
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    present = np.unique(np.concatenate([y_true, y_pred]))
    exp = {'accuracy': M.accuracy_score(y_true, y_pred)}
    exp['confusion'] = {str(n): tolist(M.confusion_matrix(y_true, y_pred, normalize=n)) for n in [None, 'true', 'pred', 'all']}
    if labels is not None:
        exp['confusion_labels'] = tolist(M.confusion_matrix(y_true, y_pred, labels=labels))
    prf = {}
    averages = [None, 'micro', 'macro', 'weighted'] + (['binary'] if len(present) <= 2 else [])
    for avg in averages:
        for zd in [0, 1]:
            for lab in [None, labels] if labels is not None and avg != 'binary' else [None]:
                p, r, f, s = M.precision_recall_fscore_support(y_true, y_pred, average=avg, zero_division=zd, labels=lab)
                key = f'{avg}|{zd}|{"labels" if lab is not None else "-"}'
                prf[key] = {'precision': tolist(p), 'recall': tolist(r), 'f1': tolist(f), 'support': tolist(s)}
    exp['prf'] = prf
    exp['fbeta'] = {str(b): tolist(M.fbeta_score(y_true, y_pred, beta=b, average='macro', zero_division=0)) for b in [0.5, 2.0]}
    case = {'name': name, 'y_true': tolist(y_true), 'y_pred': tolist(y_pred), 'labels': tolist(labels), 'expected': exp}
    if probs is not None:
        probs = np.asarray(probs, dtype=np.float64)
        if decimals is not None:
            probs = np.round(probs, decimals)
        C = probs.shape[1]
        all_labels = list(range(C))
        case['probs'] = tolist(probs)
        exp['log_loss'] = M.log_loss(y_true, probs, labels=all_labels)
        if C > 2:
            exp['top_k'] = {str(k): M.top_k_accuracy_score(y_true, probs, k=k, labels=all_labels) for k in range(1, C)}
        Y = label_binarize(y_true, classes=all_labels)
        if C == 2:
            Y = np.hstack([1 - Y, Y])
        curves = []
        for c in range(C):
            col = Y[:, c]
            fpr, tpr, thr = M.roc_curve(col, probs[:, c])
            pr, rc, pthr = M.precision_recall_curve(col, probs[:, c])
            ap = M.average_precision_score(col, probs[:, c])
            curves.append({'fpr': nan_to_none(tolist(fpr)), 'tpr': nan_to_none(tolist(tpr)), 'thresholds': tolist(thr),
                           'precision': tolist(pr), 'recall': tolist(rc), 'pr_thresholds': tolist(pthr), 'ap': ap})
        exp['curves'] = curves
        exp['ap'] = {str(a): tolist(M.average_precision_score(Y, probs, average=a)) for a in ['macro', 'weighted', 'micro', None]}
        if all(0 < Y[:, c].sum() < len(y_true) for c in range(C)):
            if C > 2:
                exp['roc_auc'] = {str(a): tolist(M.roc_auc_score(y_true, probs, multi_class='ovr', average=a, labels=all_labels))
                                  for a in ['macro', 'weighted', 'micro', None]}
            else:
                exp['roc_auc'] = {'binary': M.roc_auc_score(y_true, probs[:, 1])}
    return case


def make_classification():
    rng = np.random.RandomState(7)
    cases = []
    # Random 5-class problem, ~60% accuracy, probabilities from noisy logits.
    n, C = 120, 5
    y = rng.randint(0, C, n)
    logits = rng.randn(n, C)
    logits[np.arange(n), y] += 1.2
    P = softmax(logits)
    cases.append(classification_case('random-5-class', y, P.argmax(1), P, labels=[0, 1, 2, 3, 4, 7]))
    # Ties in scores: probabilities rounded to one decimal (and renormalised so rows sum to 1).
    Pt = np.round(P, 1)
    Pt[:, -1] = 1 - Pt[:, :-1].sum(1)
    Pt = np.clip(Pt, 0, 1)
    Pt = Pt / Pt.sum(1, keepdims=True)
    cases.append(classification_case('ties-5-class', y, rng.randint(0, C, n), np.round(Pt, 12)))
    # A class never predicted (class 3 is in y_true but never in y_pred).
    yp = P.argmax(1)
    yp[yp == 3] = 0
    cases.append(classification_case('never-predicted', y, yp, P))
    # A class absent from y_true but predicted (label 4 only in y_pred).
    y4 = y.copy()
    y4[y4 == 4] = 1
    cases.append(classification_case('absent-in-true', y4, P.argmax(1)))
    # Binary with heavy ties.
    yb = rng.randint(0, 2, 60)
    sb = np.round(np.clip(0.3 * yb + 0.7 * rng.rand(60), 0, 1), 1)
    Pb = np.stack([1 - sb, sb], 1)
    cases.append(classification_case('binary-ties', yb, (sb > 0.5).astype(int), Pb))
    # Single class everywhere (binary-average edge case: pos_label absent).
    cases.append(classification_case('single-class', [2] * 10, [2] * 10))
    cases.append(classification_case('single-class-zero', [0] * 8, [0] * 6 + [1] * 2))
    # Non-consecutive labels.
    cases.append(classification_case('sparse-labels', [3, 9, 9, 3, 5, 5, 9, 3], [3, 9, 5, 5, 5, 3, 9, 9], labels=[9, 3, 5, 11]))
    write('classification.json', {'sklearn': sklearn.__version__, 'cases': cases})


# ---------------------------------------------------------------- clustering metrics

def make_clustering():
    rng = np.random.RandomState(3)
    cases = []

    def case(name, t, p, X=None):
        t = np.asarray(t)
        p = np.asarray(p)
        cont = M.cluster.contingency_matrix(t, p)
        exp = {
            'ari': M.adjusted_rand_score(t, p),
            'mi': M.mutual_info_score(t, p),
            'nmi': {m: M.normalized_mutual_info_score(t, p, average_method=m) for m in ['arithmetic', 'geometric', 'min', 'max']},
            'purity': float(cont.max(axis=0).sum() / cont.sum()),
            'purity_per_cluster': tolist(cont.max(axis=0) / cont.sum(axis=0)),
            'pair_confusion': tolist(M.cluster.pair_confusion_matrix(t, p)),
        }
        c = {'name': name, 'labels_true': tolist(t), 'labels_pred': tolist(p), 'expected': exp}
        if X is not None:
            c['X'] = tolist(X)
            exp['silhouette'] = M.silhouette_score(X, p)
            exp['silhouette_samples'] = tolist(M.silhouette_samples(X, p))
        cases.append(c)

    t = rng.randint(0, 4, 90)
    p = np.where(rng.rand(90) < 0.7, t, rng.randint(0, 5, 90))
    X = np.round(rng.randn(90, 3) + t[:, None] * 1.5, 4)
    case('random', t, p, X)
    case('identical', t, t)
    case('permuted', t, (t + 2) % 4)
    case('one-cluster', t, np.zeros(90, dtype=int))
    case('all-singletons', t[:20], np.arange(20))
    case('both-single', [1] * 6, [4] * 6)
    case('discordant', [0, 0, 1, 1], [0, 1, 0, 1])
    big_t = rng.randint(0, 10, 3000)
    big_p = np.where(rng.rand(3000) < 0.5, big_t, rng.randint(0, 10, 3000))
    case('big', big_t, big_p)
    write('clustering.json', {'sklearn': sklearn.__version__, 'cases': cases})


# ---------------------------------------------------------------- k-means and PCA

def make_kmeans_pca():
    rng = np.random.RandomState(11)
    true_centers = np.array([[0, 0, 0], [8, 0, 1], [0, 9, -2], [7, 8, 6], [-6, 4, 9]], dtype=float)
    X = np.vstack([c + rng.randn(40, 3) for c in true_centers])
    X = np.round(X, 5)
    y = np.repeat(np.arange(5), 40)
    # Initial centres: one sample of each blob, slightly off (a non-trivial start that converges).
    init = X[[3, 45, 90, 130, 170]] + 0.5
    km = KMeans(n_clusters=5, init=init, n_init=1, random_state=0).fit(X)
    kpp = KMeans(n_clusters=5, init='k-means++', n_init=10, random_state=0).fit(X)
    # A start that is not strictly converged in one step: two centres inside the same blob.
    init2 = X[[0, 1, 90, 130, 170]]
    km2 = KMeans(n_clusters=5, init=init2, n_init=1, random_state=0).fit(X)
    kmeans = {
        'X': tolist(X), 'y': tolist(y),
        'given': {'init': tolist(init), 'labels': tolist(km.labels_), 'inertia': km.inertia_, 'centers': tolist(km.cluster_centers_), 'n_iter': int(km.n_iter_)},
        'given2': {'init': tolist(init2), 'labels': tolist(km2.labels_), 'inertia': km2.inertia_, 'centers': tolist(km2.cluster_centers_), 'n_iter': int(km2.n_iter_)},
        'kmeanspp': {'labels': tolist(kpp.labels_), 'inertia': kpp.inertia_},
    }
    # PCA on correlated Gaussian data.
    A = rng.randn(6, 6)
    Z = np.round(rng.randn(80, 6) @ A + np.array([1, -2, 3, 0, 5, -1]), 5)
    pca = PCA(svd_solver='full').fit(Z)
    pca3 = PCA(n_components=3, whiten=True, svd_solver='full').fit(Z)
    pcad = {
        'X': tolist(Z), 'components': tolist(pca.components_), 'explained_variance': tolist(pca.explained_variance_),
        'explained_variance_ratio': tolist(pca.explained_variance_ratio_), 'singular_values': tolist(pca.singular_values_),
        'mean': tolist(pca.mean_), 'transform': tolist(pca.transform(Z[:5])),
        'whiten3_transform': tolist(pca3.transform(Z[:5])),
    }
    # Wide data (more features than samples).
    W = np.round(rng.randn(7, 12), 5)
    pw = PCA(svd_solver='full').fit(W)
    pcad['wide'] = {'X': tolist(W), 'components': tolist(pw.components_), 'explained_variance': tolist(pw.explained_variance_)}
    write('kmeans_pca.json', {'sklearn': sklearn.__version__, 'kmeans': kmeans, 'pca': pcad})


# ---------------------------------------------------------------- t-SNE

def load_digits():
    data = np.loadtxt(DIGITS, delimiter=',')
    return data[:, :-1], data[:, -1].astype(int)


def make_tsne():
    rng = np.random.RandomState(5)
    # Synthetic: 4 Gaussian blobs in 10-d, 160 points.
    centers = rng.randn(4, 10) * 4
    X = np.round(np.vstack([c + rng.randn(40, 10) for c in centers]), 3)
    y = np.repeat(np.arange(4), 40)
    ts = TSNE(n_components=2, perplexity=20, method='exact', init='pca', random_state=0, learning_rate='auto').fit(X)
    ts3 = TSNE(n_components=3, perplexity=20, method='barnes_hut', init='pca', random_state=0, learning_rate='auto').fit(X)
    # 3-d KL varies a lot from run to run (local minima): keep the spread over random starts too.
    kl3 = [float(TSNE(n_components=3, perplexity=20, method='barnes_hut', init='random', random_state=s, learning_rate='auto').fit(X).kl_divergence_)
           for s in range(8)]
    Y = np.round(ts.embedding_, 6)
    small = X[:40]
    d = pairwise_distances(small, squared=True)
    P = _joint_probabilities(d, 10.0, 0)
    out = {
        'synthetic': {
            'X': tolist(X), 'y': tolist(y), 'perplexity': 20,
            'kl_exact_2d': float(ts.kl_divergence_), 'kl_bh_3d': float(ts3.kl_divergence_), 'kl_bh_3d_random_starts': kl3,
            'embedding_exact_2d': tolist(Y),
            'trust_5': trustworthiness(X, Y, n_neighbors=5), 'trust_12': trustworthiness(X, Y, n_neighbors=12),
            'joint_P_first40_perp10': tolist(P),
        },
    }
    if os.path.exists(DIGITS):
        Xd, yd = load_digits()
        sub = 500
        te = TSNE(n_components=2, perplexity=30, method='exact', init='pca', random_state=0, learning_rate='auto').fit(Xd[:sub])
        tb = TSNE(n_components=2, perplexity=30, method='barnes_hut', init='pca', random_state=0, learning_rate='auto').fit(Xd)
        out['digits'] = {
            'exact_first500': {'kl': float(te.kl_divergence_), 'trust_5': trustworthiness(Xd[:sub], te.embedding_, n_neighbors=5)},
            'bh_all': {'kl': float(tb.kl_divergence_), 'trust_5': trustworthiness(Xd, tb.embedding_, n_neighbors=5)},
            'n': int(len(yd)), 'classes': int(len(np.unique(yd))),
        }
    else:
        print(f'warning: {DIGITS} missing; no digits t-SNE fixture', file=sys.stderr)
    write('tsne.json', {'sklearn': sklearn.__version__, **out})


if __name__ == '__main__':
    what = sys.argv[1:] or ['classification', 'clustering', 'kmeans_pca', 'tsne']
    for w in what:
        globals()['make_' + w]()
