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
 */
package org.rnn4j.nn;
