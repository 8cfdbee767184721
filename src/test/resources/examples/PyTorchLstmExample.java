import java.nio.file.Path;
import java.util.Arrays;
import org.rnn4j.Backend;
import org.rnn4j.Tensor;
import org.rnn4j.io.PyTorchRecurrent;
import org.rnn4j.nn.Recurrent;

public class PyTorchLstmExample {
    public static void main(String[] args) throws Exception {
        // Made in Python with:
        //   lstm = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True)
        //   safetensors.torch.save_file(lstm.state_dict(), "lstm.safetensors")
        Path file = Path.of(args.length > 0 ? args[0] : "lstm.safetensors");
        try (Backend backend = Backend.auto();
             Recurrent lstm = PyTorchRecurrent.load(backend, file, Recurrent.Kind.LSTM)) {
            Recurrent.Config c = lstm.config();               // sizes, layers, directions read from the file
            int n = 2, t = 4, d = c.inputSize();
            float[] x = new float[n * t * d];                 // (N, T, D) row-major, batch first
            for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
            int[] lengths = {4, 2};                           // the second sequence ends after 2 steps
            try (Tensor input = backend.tensor(x, n, t, d);
                 Recurrent.Result r = lstm.inference(input, lengths, null, null)) {   // h0 = c0 = 0
                System.out.println(backend.name() + ": out " + Arrays.toString(r.out().shape())
                        + ", hN " + Arrays.toString(r.hN().shape()) + ", cN " + Arrays.toString(r.cN().shape()));
                float[] out = r.out().toArray();              // (N, T, 2H): zero past each length
                System.out.println("out[1][1][0] = " + out[(1 * t + 1) * 2 * c.hiddenSize()]);
            }
        }
    }
}
