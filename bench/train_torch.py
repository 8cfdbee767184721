"""The model and schedule of `rnn4j train` (defaults) in PyTorch, for a side-by-side speed and loss comparison.

Same text (the embedded corpus unless a path is given), same vocabulary (sorted code points), same split (the last
5 % held out, validation on at most 20,000 of those characters, cut into streams as rnn4j's Trainer does), same
model (embedding 32 -> one LSTM 256 -> affine to the vocabulary; LSTM biases 0 except the forget gate at 1, the
output bias log of the unigram frequencies, uniform initial weights of the same scales), same schedule (32 streams
x 64 characters per step, the state carried between chunks and reset at each epoch, Adam 3e-3, global-norm
clipping at 5, 700 steps). Only the random draws differ. Prints chars/s (training steps only, validation excluded)
and the final validation loss.
Usage: train_torch.py THREADS [STEPS] [TEXT]
"""
import math
import sys
import time

import torch

H, EMBED, T, N, LR, CLIP, VAL_FRACTION, MAX_VAL = 256, 32, 64, 32, 3e-3, 5.0, 0.05, 20_000


def load(path):
    if path is None:
        path = "src/main/resources/org/rnn4j/corpus/kjv.txt"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    vocab = sorted(set(text))
    index = {ch: i for i, ch in enumerate(vocab)}
    codes = torch.tensor([index[ch] for ch in text], dtype=torch.long)
    val_len = max(2, round(len(codes) * VAL_FRACTION))
    return codes[:-val_len], codes[-val_len:], len(vocab)


class CharModel(torch.nn.Module):
    def __init__(self, vocab, unigram):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, EMBED)
        self.lstm = torch.nn.LSTM(EMBED, H, batch_first=True)
        self.out = torch.nn.Linear(H, vocab)
        with torch.no_grad():
            self.embed.weight.uniform_(-1, 1)
            self.lstm.weight_ih_l0.uniform_(-1 / math.sqrt(EMBED), 1 / math.sqrt(EMBED))
            self.lstm.weight_hh_l0.uniform_(-1 / math.sqrt(H), 1 / math.sqrt(H))
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_hh_l0.zero_()
            self.lstm.bias_ih_l0[H:2 * H] = 1.0   # PyTorch's gate order is i, f, g, o: the forget gate is the second
            self.out.weight.uniform_(-1 / math.sqrt(H), 1 / math.sqrt(H))
            self.out.bias.copy_(torch.log(unigram))

    def forward(self, x, state):
        h, state = self.lstm(self.embed(x), state)
        return self.out(h), state


def validation_loss(model, val):
    length = min(len(val), MAX_VAL)
    t = T
    n = max(1, min(N, (length - 1) // (t + 1)))
    stream = length // n
    t = min(t, stream - 1)
    streams = val[:n * stream].view(n, stream)
    state, total, chars = None, 0.0, 0
    with torch.no_grad():
        p = 0
        while p + t + 1 <= stream:
            logits, state = model(streams[:, p:p + t], state)
            total += torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                                       streams[:, p + 1:p + t + 1].reshape(-1), reduction="sum").item()
            chars += n * t
            p += t
    return total / chars


def main():
    threads = int(sys.argv[1])
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 700
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    train, val, vocab = load(sys.argv[3] if len(sys.argv) > 3 else None)
    counts = torch.bincount(train, minlength=vocab).double()
    model = CharModel(vocab, (counts / counts.sum()).float().clamp_min(1e-12))
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.999), eps=1e-8)
    stream = len(train) // N
    streams = train[:N * stream].view(N, stream)
    pos, state, losses, train_seconds = 0, None, [], 0.0
    for step in range(steps):
        t0 = time.perf_counter()
        x, y = streams[:, pos:pos + T], streams[:, pos + 1:pos + T + 1]
        logits, state = model(x, state)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        state = tuple(s.detach() for s in state)
        pos += T
        if pos + T + 1 > stream:
            pos, state = 0, None
        train_seconds += time.perf_counter() - t0
        losses.append(loss.item())
    val_loss = validation_loss(model, val)
    print(f"torch,train,{N},{T},{EMBED},{H},steps={steps},chars_per_s={steps * N * T / train_seconds:.0f},"
          f"train_loss={sum(losses[-50:]) / len(losses[-50:]):.4f},val_loss={val_loss:.4f},seconds={train_seconds:.1f}",
          flush=True)


if __name__ == "__main__":
    main()
