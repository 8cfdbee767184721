package org.rnn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.Backend;
import org.rnn4j.train.CellType;
import org.rnn4j.train.Checkpoint;
import org.rnn4j.train.TrainConfig;
import org.rnn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rnn4j train}: trains the character-level language model, see README "Main job: rnn4j train". */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a character-level language model (embedding -> LSTM, GRU or RNN x layers -> affine -> softmax)",
                "on --text, or on the embedded King James Bible excerpt when no --text is given.",
                "Writes DIR/checkpoint (weights, Adam state, stream positions: .npy + manifest) and DIR/loss.png."})
final class TrainCommand implements Callable<Integer> {
    static final TrainConfig D = TrainConfig.defaults();

    @Spec CommandSpec spec;
    @Option(names = "--text", paramLabel = "FILE", description = "UTF-8 training text (default: the embedded corpus)") Path text;
    @Option(names = "--steps", description = "total optimisation steps (default ${DEFAULT-VALUE})") int steps = D.steps();
    @Option(names = "--cell", description = "recurrent cell: lstm, gru or rnn (default ${DEFAULT-VALUE})") String cell = D.cell().id();
    @Option(names = "--hidden", description = "hidden size H (default ${DEFAULT-VALUE})") int hidden = D.hidden();
    @Option(names = "--layers", description = "stacked recurrent layers, 1-3 (default ${DEFAULT-VALUE})") int layers = D.layers();
    @Option(names = "--embed", description = "character embedding size (default ${DEFAULT-VALUE})") int embed = D.embed();
    @Option(names = "--seq-len", description = "characters per truncated-BPTT chunk T (default ${DEFAULT-VALUE})") int seqLen = D.seqLen();
    @Option(names = "--batch", description = "parallel streams N (default ${DEFAULT-VALUE})") int batch = D.batch();
    @Option(names = "--lr", description = "Adam learning rate (default ${DEFAULT-VALUE})") double lr = D.lr();
    @Option(names = "--seed", description = "seed of the initial weights (default ${DEFAULT-VALUE})") long seed = D.seed();
    @Option(names = "--backend", description = "cpu, cuda or auto (default ${DEFAULT-VALUE})") String backend = "auto";
    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: runs/train-TIMESTAMP, or the --resume directory)") Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "continue the run saved in DIR (its --out directory or DIR/checkpoint)") Path resume;
    @Option(names = "--eval-every", description = "validation loss every N steps (default ${DEFAULT-VALUE})") int evalEvery = 100;
    @Option(names = "--sample-every", description = "print a text sample every N steps, 0 = never (default ${DEFAULT-VALUE})") int sampleEvery = 200;
    @Option(names = "--checkpoint-every", description = "save a checkpoint every N steps (default ${DEFAULT-VALUE}; always at the end)") int checkpointEvery = 200;
    @Option(names = "--verbose", description = "stack traces on errors") boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        // Everything is checked before anything is written: bad input leaves the disk as it was.
        BackendOption.check(backend);
        if (evalEvery < 1 || sampleEvery < 0 || checkpointEvery < 1)
            throw new UserError("--eval-every and --checkpoint-every must be at least 1 and --sample-every at least 0");
        if (explicit("--steps") && steps < (resume == null ? 0 : 1))
            throw new UserError("--steps must be at least " + (resume == null ? 0 : 1) + " but was " + steps);
        TextSource src = TextSource.load(text);
        Path resumeDir = resume == null ? null : checkpointDir(resume);
        if (resume != null && !Checkpoint.exists(resumeDir))
            throw new UserError(resume.toFile().exists()
                    ? resume + " holds no rnn4j checkpoint; pass the --out directory of an earlier run to --resume"
                    : "--resume " + resume + " does not exist; pass the --out directory of an earlier run");
        Path outDir = out != null ? out : resume != null ? (resumeDir.getFileName().toString().equals("checkpoint") ? resumeDir.getParent() : resume)
                : Path.of("runs", "train-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path ckptOut = outDir.resolve("checkpoint");
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) throw new UserError("--out " + outDir + " is a file; choose a directory");
        if (Checkpoint.exists(ckptOut) && (resumeDir == null || !sameFile(ckptOut, resumeDir)))
            throw new UserError(outDir + " already holds a checkpoint; continue it with --resume " + outDir + " or choose another --out");
        TrainConfig cfg = resume == null ? new TrainConfig(hidden, layers, embed, seqLen, batch, lr, steps, seed, D.clip(),
                D.valFraction(), CellType.of(cell, "--cell")) : null;
        if (resume != null) checkNoShapeOptions();
        // After a crash mid-save the checkpoint is read where it survived; the directory is repaired only once
        // everything was read and checked, so a refused run changes nothing on disk.
        Path readFrom = resumeDir == null ? null : Checkpoint.locate(resumeDir);
        boolean created = !Files.exists(outDir);   // created lazily by the first save; removed again if left empty
        try (Backend b = BackendOption.open(backend); Trainer tr = resume == null ? new Trainer(b, src.text(), cfg)
                : Trainer.resume(b, src.text(), readFrom, explicit("--steps") ? steps : 0)) {
            String recovered = Checkpoint.recover(resumeDir != null ? resumeDir : ckptOut);
            if (recovered != null) o.println("note: " + recovered);
            return loop(o, b, tr, src, outDir, ckptOut);
        } catch (Checkpoint.CheckpointException e) {
            throw new UserError(e.getMessage(), e);
        } finally {
            if (created) removeIfEmpty(outDir);
        }
    }

    private static void removeIfEmpty(Path dir) {
        try (var s = Files.list(dir)) {
            if (s.findAny().isEmpty()) Files.delete(dir);
        } catch (IOException ignored) {
            // not there (nothing was written) or not empty (a complete checkpoint to keep): nothing to remove
        }
    }

    private int loop(PrintWriter o, Backend b, Trainer tr, TextSource src, Path outDir, Path ckptOut) throws IOException {
        TrainConfig c = tr.config();
        long params = tr.model().params().stream().mapToLong(org.rnn4j.Tensor::size).sum();
        o.println("backend: " + b.name() + " (" + b.reason() + ")");
        o.println("text: " + src.name() + ": " + (tr.trainChars() + tr.validationChars()) + " characters, vocabulary "
                + tr.vocabulary().size() + "; training " + tr.trainChars() + ", validation " + tr.validationChars());
        o.printf(Locale.ROOT, "model: embed %d -> %s %d x %d -> affine %d (%,d parameters); batch %d x seq-len %d, lr %s, seed %d%n",
                c.embed(), c.cell(), c.layers(), c.hidden(), tr.vocabulary().size(), params, c.batch(), c.seqLen(), c.lr(), c.seed());
        double unigram = tr.unigramValidationLoss();
        o.printf(Locale.ROOT, "unigram baseline: entropy of the training characters %.4f nats; on the validation text %.4f nats/char%n",
                tr.unigramEntropy(), unigram);
        if (tr.step() > 0) o.println("resuming at step " + tr.step() + " of " + c.steps() + " from " + resume);
        o.println("output: " + outDir.toAbsolutePath());

        Progress p = new Progress(o, System.console() != null, tr.step(), c.steps(), (long) c.batch() * c.seqLen());
        Smoother smooth = new Smoother();
        List<double[]> h = tr.history();
        for (double[] r : h) smooth.add(r[1]);
        while (tr.step() < c.steps()) {
            double loss = tr.trainStep();
            if (!Double.isFinite(loss))
                throw new UserError("training diverged at step " + tr.step() + " (loss " + loss + "); lower --lr");
            int s = tr.step();
            p.step(s, smooth.add(loss));
            if (s % evalEvery == 0 && s < c.steps())
                p.println(String.format(Locale.ROOT, "step %d: validation loss %.4f (unigram %.4f)", s, tr.validationLoss(), unigram));
            if (sampleEvery > 0 && s % sampleEvery == 0 && s < c.steps())
                p.println("--- sample at step " + s + " ---\n" + tr.sample(200, 0.8, "", c.seed() + s) + "\n---");
            if (s % checkpointEvery == 0 && s < c.steps()) Checkpoint.save(tr, ckptOut);
        }
        p.finish();
        double val = tr.validationLoss();
        Checkpoint.save(tr, ckptOut);
        Path png = outDir.resolve("loss.png");
        LossPlot.write(png, h, unigram);
        int last = Math.min(50, h.size());
        double train = h.subList(h.size() - last, h.size()).stream().mapToDouble(r -> r[1]).average().orElse(Double.NaN);
        o.println("--- sample (temperature 0.8) ---");
        o.println(tr.sample(400, 0.8, "", c.seed() + c.steps()));
        o.println("---");
        o.printf(Locale.ROOT, "final: train loss %.4f (mean of the last %d steps), validation loss %.4f, unigram %.4f nats/char; %d steps, %.1f s this session%n",
                train, last, val, unigram, tr.step(), p.elapsedSeconds());
        o.println("checkpoint: " + ckptOut.toAbsolutePath() + "   loss curve: " + png.toAbsolutePath());
        return 0;
    }

    /** On --resume the model's shape comes from the checkpoint: asking for another one is a mistake to report. */
    private void checkNoShapeOptions() {
        for (String opt : new String[]{"--cell", "--hidden", "--layers", "--embed", "--seq-len", "--batch", "--lr", "--seed"})
            if (explicit(opt))
                throw new UserError(opt + " cannot change on --resume (the checkpoint fixes it); drop " + opt + " or start a new run");
    }

    private boolean explicit(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /**
     * --resume and --checkpoint accept a run's --out directory or its checkpoint directory; this is the checkpoint
     * directory (which an interrupted save may have left missing, with its copies next to it).
     */
    static Path checkpointDir(Path dir) {
        Path inner = dir.resolve("checkpoint");
        return Checkpoint.exists(inner) || Files.exists(inner) ? inner : dir;
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;   // also while a save has it renamed
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
