/**
 * rnn4j: the vanilla (tanh) RNN, the LSTM and the GRU, forward and backward, one step or a whole sequence, on a
 * {@link org.rnn4j.Backend} (CUDA or pure-Java CPU). This page is the one place where every shape and formula
 * is written down; the rest of the javadoc refers here.
 *
 * <h2>Letters</h2>
 * <table class="striped">
 *   <caption>The same letters everywhere</caption>
 *   <tr><th>letter</th><th>meaning</th></tr>
 *   <tr><td>N</td><td>batch size: independent sequences processed together</td></tr>
 *   <tr><td>T</td><td>time steps of a sequence</td></tr>
 *   <tr><td>D</td><td>input features per time step</td></tr>
 *   <tr><td>H</td><td>hidden units (size of h and, for the LSTM, of the cell state c)</td></tr>
 *   <tr><td>G</td><td>width of the pre-activations: G = H for the RNN, G = 4H for the LSTM, G = 3H for the
 * GRU</td></tr>
 * </table>
 *
 * <h2>Layout</h2>
 * Every {@link org.rnn4j.Tensor} is dense float32 in row-major (C) order, as numpy stores it: element
 * {@code [n][t][d]} of an (N, T, D) tensor is at flat index {@code (n*T + t)*D + d}. Sequences are batch-major,
 * (N, T, ·), like numpy and PyTorch with {@code batch_first=True}. Arrays move to and from numpy with
 * {@link org.rnn4j.io.Npy}.
 *
 * <h2>Parameters</h2>
 * <ul>
 *   <li>Wx (D, G): input-to-hidden weights; row d multiplies input feature d.</li>
 *   <li>Wh (H, G): hidden-to-hidden weights.</li>
 *   <li>b (G): one bias for the RNN and the LSTM (PyTorch's two biases are b = bias_ih + bias_hh).</li>
 *   <li>bx, bh (3H): the GRU's two biases, exactly PyTorch's bias_ih and bias_hh. They cannot be merged: r
 *       multiplies the hidden part of n together with its bias.</li>
 * </ul>
 * Products are {@code x·Wx}, not {@code Wx·x}: Wx is PyTorch's {@code weight_ih} transposed.
 * <p><b>LSTM gate order i, f, o, g.</b> The G = 4H columns of Wx, Wh and b are four blocks of H:
 * columns [0, H) the input gate i, [H, 2H) the forget gate f, [2H, 3H) the output gate o, [3H, 4H) the
 * candidate g. PyTorch orders its blocks i, f, g, o: swap the last two blocks when moving weights across.
 * <p><b>GRU gate order r, z, n</b>, PyTorch's own: the G = 3H columns are the reset gate r, the update gate z and
 * the candidate n. Wx = {@code weight_ih}ᵀ, Wh = {@code weight_hh}ᵀ, bx = {@code bias_ih}, bh = {@code bias_hh},
 * with no reordering.
 *
 * <h2>The operations</h2>
 * σ is the logistic sigmoid, ⊙ the elementwise product, {@code a = x·Wx + prevH·Wh + b} the pre-activation (N, G)
 * of the RNN and the LSTM. For the GRU, {@code ax = x·Wx + bx} and {@code ah = prevH·Wh + bh} (N, 3H) are kept
 * apart. Each sequence forward also has an inference form ({@code rnnInference}, {@code lstmInference},
 * {@code gruInference}): the same computation, bit for bit, without a cache.
 * <table class="striped">
 *   <caption>Operations, arguments, results</caption>
 *   <tr><th>operation</th><th>arguments</th><th>computes</th><th>returns</th></tr>
 *   <tr><td>{@link org.rnn4j.Backend#rnnStepForward rnnStepForward}</td>
 *       <td>x (N,D), prevH (N,H), Wx (D,H), Wh (H,H), b (H)</td>
 *       <td>nextH = tanh(a)</td>
 *       <td>{@link org.rnn4j.Rnn.StepOutput}: nextH (N,H), cache</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#rnnStepBackward rnnStepBackward}</td>
 *       <td>dNextH (N,H), cache</td>
 *       <td>da = (1 − nextH²) ⊙ dNextH; dx = da·Wxᵀ, dPrevH = da·Whᵀ, dWx = xᵀ·da, dWh = prevHᵀ·da, db = Σ<sub>n</sub>
 * da</td>
 *       <td>{@link org.rnn4j.Rnn.StepGradients}: dx (N,D), dPrevH (N,H), dWx (D,H), dWh (H,H), db (H)</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#rnnForward rnnForward}</td>
 *       <td>x (N,T,D), h0 (N,H), Wx, Wh, b</td>
 *       <td>h[t] = tanh(x[t]·Wx + h[t−1]·Wh + b) for t = 0..T−1, with h[−1] = h0</td>
 *       <td>{@link org.rnn4j.Rnn.Output}: h (N,T,H), every hidden state; cache</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#rnnBackward rnnBackward}</td>
 *       <td>dh (N,T,H), cache</td>
 *       <td>the step backward from t = T−1 down to 0, with dNextH = dh[t] + dPrevH of step t+1; weight
 *           gradients summed over t</td>
 *       <td>{@link org.rnn4j.Rnn.Gradients}: dx (N,T,D), dh0 (N,H), dWx (D,H), dWh (H,H), db (H)</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#lstmStepForward lstmStepForward}</td>
 *       <td>x (N,D), prevH (N,H), prevC (N,H), Wx (D,4H), Wh (H,4H), b (4H)</td>
 *       <td>i, f, o = σ(a<sub>i</sub>), σ(a<sub>f</sub>), σ(a<sub>o</sub>); g = tanh(a<sub>g</sub>);
 *           nextC = f ⊙ prevC + i ⊙ g; nextH = o ⊙ tanh(nextC)</td>
 *       <td>{@link org.rnn4j.Lstm.StepOutput}: nextH (N,H), nextC (N,H), cache</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#lstmStepBackward lstmStepBackward}</td>
 *       <td>dNextH (N,H), dNextC (N,H), cache</td>
 *       <td>dc = dNextC + dNextH ⊙ o ⊙ (1 − tanh²(nextC));
 *           da<sub>i</sub> = dc ⊙ g ⊙ i(1−i), da<sub>f</sub> = dc ⊙ prevC ⊙ f(1−f),
 *           da<sub>o</sub> = dNextH ⊙ tanh(nextC) ⊙ o(1−o), da<sub>g</sub> = dc ⊙ i ⊙ (1−g²);
 *           dPrevC = dc ⊙ f; dx, dPrevH, dWx, dWh, db from da as for the RNN</td>
 *       <td>{@link org.rnn4j.Lstm.StepGradients}: dx (N,D), dPrevH (N,H), dPrevC (N,H), dWx (D,4H), dWh (H,4H), db
 * (4H)</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#lstmForward lstmForward}</td>
 *       <td>x (N,T,D), h0 (N,H), c0 (N,H) or null, Wx, Wh, b</td>
 *       <td>the step forward for t = 0..T−1 from (h0, c0); c0 null means zeros</td>
 *       <td>{@link org.rnn4j.Lstm.Output}: h (N,T,H), cT (N,H) the final cell state, cache</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#lstmBackward lstmBackward}</td>
 *       <td>dh (N,T,H), dcT (N,H) or null, cache</td>
 *       <td>the step backward from t = T−1 down to 0, with dNextH = dh[t] + dPrevH of step t+1 and dNextC =
 *           dPrevC of step t+1 (dcT at t = T−1; null means zeros); weight gradients summed over t</td>
 *       <td>{@link org.rnn4j.Lstm.Gradients}: dx (N,T,D), dh0 (N,H), dc0 (N,H), dWx (D,4H), dWh (H,4H), db
 * (4H)</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#gruStepForward gruStepForward}</td>
 *       <td>x (N,D), prevH (N,H), Wx (D,3H), Wh (H,3H), bx (3H), bh (3H)</td>
 *       <td>r = σ(ax<sub>r</sub> + ah<sub>r</sub>), z = σ(ax<sub>z</sub> + ah<sub>z</sub>),
 *           n = tanh(ax<sub>n</sub> + r ⊙ ah<sub>n</sub>); nextH = (1 − z) ⊙ n + z ⊙ prevH</td>
 *       <td>{@link org.rnn4j.Gru.StepOutput}: nextH (N,H), cache</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#gruStepBackward gruStepBackward}</td>
 *       <td>dNextH (N,H), cache</td>
 *       <td>dax<sub>n</sub> = dNextH ⊙ (1 − z) ⊙ (1 − n²), dax<sub>z</sub> = dNextH ⊙ (prevH − n) ⊙ z(1−z),
 *           dax<sub>r</sub> = dax<sub>n</sub> ⊙ ah<sub>n</sub> ⊙ r(1−r); dah = dax except dah<sub>n</sub> =
 *           dax<sub>n</sub> ⊙ r; dx = dax·Wxᵀ, dPrevH = dNextH ⊙ z + dah·Whᵀ, dWx = xᵀ·dax, dWh = prevHᵀ·dah,
 *           dbx = Σ<sub>n</sub> dax, dbh = Σ<sub>n</sub> dah</td>
 *       <td>{@link org.rnn4j.Gru.StepGradients}: dx (N,D), dPrevH (N,H), dWx (D,3H), dWh (H,3H), dbx (3H), dbh
 * (3H)</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#gruForward gruForward}</td>
 *       <td>x (N,T,D), h0 (N,H), Wx, Wh, bx, bh</td>
 *       <td>the step forward for t = 0..T−1 from h0</td>
 *       <td>{@link org.rnn4j.Gru.Output}: h (N,T,H), every hidden state; cache</td></tr>
 *   <tr><td>{@link org.rnn4j.Backend#gruBackward gruBackward}</td>
 *       <td>dh (N,T,H), cache</td>
 *       <td>the step backward from t = T−1 down to 0, with dNextH = dh[t] + dPrevH of step t+1; weight and bias
 *           gradients summed over t</td>
 *       <td>{@link org.rnn4j.Gru.Gradients}: dx (N,T,D), dh0 (N,H), dWx (D,3H), dWh (H,3H), dbx (3H), dbh
 * (3H)</td></tr>
 * </table>
 * Backward computes the gradients of a scalar loss L from the upstream gradients: dh[t] is ∂L/∂h[t] from
 * whatever consumes h[t] directly (not through later steps: backward adds that part), dcT is ∂L/∂cT. The
 * results are ∂L with respect to every input and parameter of the forward call. dc0 is returned even when
 * c0 was null (the gradient with respect to that zero state).
 *
 * <h2>Results, caches and close()</h2>
 * Every operation returns new tensors; inputs are never modified. Results are records; closing a record
 * closes every component. A forward pass returns a {@link org.rnn4j.Cache}
 * holding what backward needs on the backend (x, every h, for the LSTM every c and the activated gates, for the
 * GRU the activated gates and ah<sub>n</sub>) and
 * referring to Wx and Wh, which must stay open until backward is done. A cache can serve several backward
 * calls, only on the backend that made it, and only for the kind that made it (a step cache goes to the step
 * backward). {@link org.rnn4j.Tensor}, the caches and the results are {@link java.lang.AutoCloseable}:
 * {@code close()} frees host or device memory at once; using anything after close throws
 * {@link java.lang.IllegalStateException}. Use try-with-resources.
 *
 * <h2>Errors</h2>
 * Every operation checks all its arguments before it allocates or computes anything, so a rejected call
 * leaves nothing half-written. A null argument throws {@link java.lang.NullPointerException}; a wrong rank or
 * shape, a tensor or cache of another backend, or a cache of the wrong kind throws
 * {@link java.lang.IllegalArgumentException}; a closed tensor or cache throws
 * {@link java.lang.IllegalStateException}. Messages name the operation and the argument and give the expected
 * shape (with its letters) and the actual one.
 *
 * <h2>Threads and determinism</h2>
 * A {@link org.rnn4j.Backend} may be called from several threads at once (a server running inference);
 * each call works on its own buffers and returns the same bits as when run alone. Tensors are immutable
 * through the API, so several threads may read the same weights; closing a tensor that another thread is
 * still using is the caller's error. Two identical calls give bit-identical results: reductions run in a
 * fixed order, never with atomics.
 */
package org.rnn4j;
