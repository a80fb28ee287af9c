ipvsadm -L=n
ipvsadm -A -t 10.10.0.1:80 -s==rr
ipvsadm -A -t 10.10.0.2:80 -p=
ipvsadm -A --tcp-service= -s rr
ipvsadm -A -t -- -s rr
ipvsadm -A -t=10.10.0.3:80 -s=rr
ipvsadm -A -t 10.10.0.4:80 -s rr -
ipvsadm -L=
ipvsadm -Ln=c
ipvsadm -A -t 10.10.0.5:80 -s -n
ipvsadm -A -t 10.10.0.6:80 -s --
ipvsadm -Ln
