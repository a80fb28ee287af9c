ipvsadm -h extra
ipvsadm -v -n
ipvsadm --help=1
ipvsadm -hv
