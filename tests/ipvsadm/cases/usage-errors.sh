ipvsadm -n -L
ipvsadm foo
ipvsadm --bogus
ipvsadm -Q
ipvsadm -LQ
ipvsadm -L foo
ipvsadm foo -L
ipvsadm -L -- -n
ipvsadm -L -
