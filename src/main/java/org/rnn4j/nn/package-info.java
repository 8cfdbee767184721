/**
 * The layers a language model needs around the cells, backend-neutral (they run on whatever {@link
 * org.rnn4j.Backend} owns their tensors, on the device for CUDA), each with forward and backward, named after
 * the course material of the seed (word_embedding, temporal_affine, temporal_softmax_loss).
 *
 * <p>Shapes, with the letters of {@code org.rnn4j}: N batch, T time, V vocabulary, D input/embedding size,
 * M output size of an affine layer. Indices (words, characters, class labels) are carried in float32 tensors
 * holding integers; float32 represents every integer below 2^24 exactly, so V must be at most 2^24 and every
 * index is checked to be integral and in [0, V) before anything runs.
 * <ul>
 *   <li>{@link org.rnn4j.nn.Layers#wordEmbeddingForward}: idx (N,T), W (V,D) → out (N,T,D) = W[idx].
 *   <li>{@link org.rnn4j.nn.Layers#temporalAffineForward}: x (N,T,D), W (D,M), b (M) → out (N,T,M) = x·W + b at
 *       every timestep.
 *   <li>{@link org.rnn4j.nn.Layers#temporalSoftmaxLoss}: scores (N,T,V), y (N,T), mask (N,T) → loss, dScores.
 * </ul>
 * {@link org.rnn4j.nn.Adam} and {@link org.rnn4j.nn.GradientClipping} update tensors in place (the one
 * exception to "results are new tensors"): an optimiser that copied every parameter each step would double
 * the memory traffic of training for nothing.
 *
 * <h2>Recurrent layers</h2>
 * {@link org.rnn4j.nn.Recurrent} stacks the cells of {@code org.rnn4j} into what PyTorch's {@code nn.RNN}
 * (tanh), {@code nn.LSTM} and {@code nn.GRU} compute with {@code batch_first=True}: L layers, each optionally
 * bidirectional (dirs = 2), layer l &gt; 0 reading the (concatenated) output of layer l−1, dropout p between layers
 * in training. Letters as above, plus L layers, dirs directions, S = L·dirs states.
 * <table class="striped">
 *   <caption>Recurrent shapes</caption>
 *   <tr><th>tensor</th><th>shape</th><th>meaning</th></tr>
 *   <tr><td>x</td><td>(N,T,D)</td><td>input, batch first</td></tr>
 *   <tr><td>lengths</td><td>int[N], each in [1,T], or null</td><td>per-example lengths; null means all T</td></tr>
 *   <tr><td>h0, c0</td><td>(S,N,H) or null (zeros)</td><td>initial states, index layer·dirs + direction;
 *       c0 for the LSTM only</td></tr>
 *   <tr><td>out</td><td>(N,T,dirs·H)</td><td>the last layer's hidden states, forward direction in [0,H),
 *       reverse in [H,2H)</td></tr>
 *   <tr><td>hN, cN</td><td>(S,N,H)</td><td>final states, each example's at its own last step</td></tr>
 *   <tr><td>weights(l, d)</td><td>wx (Din,G), wh (H,G), b (G) [, bh (G)]</td><td>Din = D for l = 0, dirs·H above;
 *       G = H, 4H (gates i,f,o,g) or 3H (gates r,z,n); bh for the GRU only</td></tr>
 * </table>
 * {@link org.rnn4j.nn.Recurrent#forward} keeps a cache for {@link org.rnn4j.nn.Recurrent#backward}, which takes
 * dOut (N,T,dirs·H) and dhN, dcN (S,N,H) or null, and returns dx (N,T,D), dh0, dc0 (S,N,H) and the gradients of
 * every layer's weights in the same layout. {@link org.rnn4j.nn.Recurrent#inference} is the forward without
 * cache or dropout. Dropout is inverted dropout (kept values scaled by 1/(1−p)) with a mask drawn from the seed
 * the caller passes, so a training step can be repeated bit for bit.
 *
 * <p><b>Variable lengths</b> (PyTorch's packed sequences): out is zero past an example's length, hN and cN are taken
 * at its last valid step, padded steps receive and pass no gradient (dOut there is ignored, dx there is zero)
 * and are never read (they may hold anything, even NaN), and the reverse direction starts at each example's own
 * end. <b>Design.</b> The layer sorts the batch by length, longest first, as cuDNN and PyTorch's packing do,
 * so that at step t the examples still running are the first B<sub>t</sub> rows. The cells then run each step's
 * recurrent GEMM and fused pointwise on those B<sub>t</sub> rows only: the work is Σ<sub>t</sub> B<sub>t</sub>
 * = Σ lengths rows, not N·T, and finished rows are simply not touched, so their state stays as it was at their
 * last step. Masking (every step on all N rows, then a select) would cost the padded rows in full and needs an
 * elementwise select among the primitives; sorting costs one row gather of x and of the results per call. The
 * products over all steps (x·Wx, the weight gradients, dx) also run step by step on the running rows, so the
 * whole call does Σ lengths rows of work (measured on the CPU backend, one LSTM layer, N = 64, T = 100,
 * D = H = 128, lengths summing to 43% of N·T: forward and backward take 0.4 to 0.7 of the time of the same batch
 * padded to T, interleaved medians on a shared machine; the per-step products run below the speed of one large
 * product, so the time falls less than the work).
 * The reverse direction reads each example reversed within its own
 * length through one gatherRows, and the two directions' outputs are joined by another. With all lengths equal
 * to T nothing is sorted and the cells run exactly their fixed-length code.
 *
 * <p><b>PyTorch models</b>: {@link org.rnn4j.io.PyTorchRecurrent} loads an
 * {@code nn.RNN}/{@code nn.LSTM}/{@code nn.GRU} state dict saved with
 * {@code safetensors.torch.save_file(model.state_dict(), path)} ({@link org.rnn4j.io.SafeTensors}),
 * transposing the weights and reordering the LSTM's gates; the layer then computes what the PyTorch module
 * computes, within float32 rounding (tested against PyTorch float64 at 1e-5 relative error).
 */
package org.rnn4j.nn;
