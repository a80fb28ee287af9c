ipvsadm -v
ipvsadm --version
