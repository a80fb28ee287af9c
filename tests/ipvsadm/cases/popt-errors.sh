ipvsadm -A -t
ipvsadm -Lnx
ipvsadm -L --numeric=1
ipvsadm --list=foo
ipvsadm -L -h
ipvsadm -C -C
ipvsadm -L -A
ipvsadm -A -t 10.10.0.1:80 -s
ipvsadm -L --start-daemon master
