"""PyTorch on one thread, timed by the calling thread's CPU time (time.thread_time): the work a call costs even
while other processes load the machine, for comparison with `BenchMain cells` under -Dclock=cpu and
-XX:ActiveProcessorCount=1. LSTM forward+backward (gradients to x, h0, c0 and the weights) and inference under
no_grad; CSV lines as torch_cpu.py (lib "torch-cpu1"). Usage: torch_cputime.py REPEATS N,T,D,H ..."""
import sys
import time

import torch


def cpu_median_ms(fn, repeats):
    for _ in range(3):
        fn()
    ts = []
    for _ in range(repeats):
        t0 = time.thread_time()
        fn()
        ts.append((time.thread_time() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2]


def main():
    reps = int(sys.argv[1])
    torch.set_num_threads(1)
    for size in sys.argv[2:]:
        N, T, D, H = map(int, size.split(","))
        torch.manual_seed(42)
        mod = torch.nn.LSTM(D, H, batch_first=True).float()
        x = torch.empty(N, T, D).uniform_(-1, 1).requires_grad_()
        h0 = torch.empty(1, N, H).uniform_(-1, 1).requires_grad_()
        c0 = torch.empty(1, N, H).uniform_(-1, 1).requires_grad_()
        dh = torch.empty(N, T, H).uniform_(-1, 1)

        def fb():
            mod(x, (h0, c0))[0].backward(dh)

        def infer():
            with torch.no_grad():
                mod(x, (h0, c0))

        if N > 1:
            print(f"torch-cpu1,lstm,{N},{T},{D},{H},fwdbwd,{cpu_median_ms(fb, reps):.4f},{reps}", flush=True)
        print(f"torch-cpu1,lstm,{N},{T},{D},{H},infer,{cpu_median_ms(infer, reps):.4f},{reps}", flush=True)


if __name__ == "__main__":
    main()
