package org.rnn4j.bench.dl4j;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's SimpleRnn (tanh) and LSTM layers, float32, one layer of H units on input (N,D,T) (DL4J's NCW layout):
 * forward+backward (the layer's forward in training mode, then backpropagation of a random gradient of its output,
 * which computes the weight gradients and the gradient of the input) and inference ({@code output}). Each figure
 * is the median of REPEATS calls after a 3 s warm-up; CSV lines as bench/torch_cpu.py prints them.
 * Usage: Dl4jBench REPEATS N,T,D,H ...; -Dcells=rnn,lstm, -Dphases=fwdbwd,infer. Threads: OMP_NUM_THREADS.
 */
public final class Dl4jBench {
    public static void main(String[] args) {
        int repeats = Integer.parseInt(args[0]);
        String[] cells = System.getProperty("cells", "rnn,lstm").split(",");
        String[] phases = System.getProperty("phases", "fwdbwd,infer").split(",");
        for (String cell : cells) {
            for (int i = 1; i < args.length; i++) {
                int[] s = Arrays.stream(args[i].split(",")).mapToInt(Integer::parseInt).toArray();
                int n = s[0], t = s[1], d = s[2], h = s[3];
                MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT)
                        .list().layer(cell.equals("lstm")
                                ? new LSTM.Builder().nIn(d).nOut(h).activation(Activation.TANH).build()
                                : new SimpleRnn.Builder().nIn(d).nOut(h).activation(Activation.TANH).build())
                        .build();
                MultiLayerNetwork net = new MultiLayerNetwork(conf);
                net.init();
                INDArray x = Nd4j.rand(DataType.FLOAT, n, d, t).subi(0.5);
                INDArray dOut = Nd4j.rand(DataType.FLOAT, n, h, t).subi(0.5);
                for (String phase : phases) {
                    Runnable call = phase.equals("infer") ? () -> net.output(x) : () -> {
                        net.setInput(x);
                        net.feedForward(true, false);
                        net.backpropGradient(dOut, LayerWorkspaceMgr.noWorkspaces());
                    };
                    long warm = System.nanoTime() + 3_000_000_000L;
                    do call.run(); while (System.nanoTime() < warm);
                    double[] ms = new double[repeats];
                    for (int r = 0; r < repeats; r++) {
                        long t0 = System.nanoTime();
                        call.run();
                        ms[r] = (System.nanoTime() - t0) / 1e6;
                    }
                    Arrays.sort(ms);
                    System.out.printf("dl4j,%s,%d,%d,%d,%d,%s,%.4f,%d%n", cell, n, t, d, h, phase, ms[repeats / 2],
                            repeats);
                }
            }
        }
    }
}
