# Signature lines of the guest test programs, recorded under
# qemu-system-riscv64 (the reference) by tests/it_isa.sh --record.
bare_smoke: 5 steps ok
htif_smoke: exit 0 ok
isa_a: 79 checks ok sig=8040a7dfafaa97a2
isa_d: 241 checks ok sig=c564676af4d90e10
isa_f: 347 checks ok sig=6bbe36ccfd057849
isa_fencei: 200 checks ok sig=15434405bd9707bf
isa_irq: 58 checks ok sig=fa44c044ecf180eb
isa_m: 50 checks ok sig=63f7a19e9e175e8a
isa_plic: 28 checks ok sig=33ece8651d4dae6f
isa_pmp: 37 checks ok sig=b57cf68e36d8436b
isa_priv: 57 checks ok sig=dd91d4dadd4c3bc5
isa_rv64i: 123 checks ok sig=b020cbc5c71f531b
isa_rvc: 62 checks ok sig=108c2aaac8f7ac08
isa_trap: 43 checks ok sig=4e8626db9dbb31b7
isa_vm: 213 checks ok sig=7bba794c3cf5106c
isa_zicsr: 67 checks ok sig=fed3db723b5014c1
prog_float: 11 checks ok sig=96e62374ad9869e9
prog_fprand: 1 checks ok sig=51b36b260613ba4c
prog_hash: 9 checks ok sig=62174b2c15725106
prog_intrand: 1 checks ok sig=39cb42af156d9fb8
prog_minios: 4 checks ok sig=e3a65b5ff7949d72
prog_sort: 219 checks ok sig=23d5574f035d72d3
prog_string: 30 checks ok sig=586fdc93572c7fc8
